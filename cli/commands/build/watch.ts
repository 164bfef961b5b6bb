import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class BuildWatchCommand extends BrCommand {
  static override paths = [['build', 'watch']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Follow a build live until it ends; the exit code is its outcome',
    details: `
      On a terminal the view redraws in place, fitted to its width: per task the title, the model in use and
      the attempt, elapsed time and the current step (agent turn and last tool, committing, verifying,
      merging, waiting for a reservation or for the API, or the tasks a pending one waits on); the header
      carries the ETA and the cost still to come, from the model of \`br build simulate\`. When the output is
      not a terminal it prints one plain line per event; --json prints one JSON event per line. Colour
      follows NO_COLOR and FORCE_COLOR. Exit codes: 0 SUCCEEDED, 1 FAILED, 2 PARTIAL, 3 BUDGET_EXHAUSTED, 4 CANCELLED. Ctrl-C stops watching,
      not the build.
    `,
    examples: [
      ['Watch a build', '$0 build watch build-shop-3f9a2c1d'],
      ['Log events to a file', '$0 build watch build-shop-3f9a2c1d > build.log'],
    ],
  });

  id = Option.String({ name: 'build-id' });
  json = Option.Boolean('--json', false, {
    description: 'Stream one JSON event per line (NDJSON); the last is {"type":"done",…}',
  });
  interval = Option.String('--interval', '1000', {
    description: 'Milliseconds between progress queries',
    hidden: true,
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });

  async execute(): Promise<number> {
    const [{ watchBuild }, { colorsEnabled }] = await Promise.all([
      import('../../render/watch-build'),
      import('../../colors'),
    ]);
    const ctx = await this.serviceContext();
    return watchBuild(ctx, this.id, {
      stdout: this.context.stdout,
      stderr: this.context.stderr,
      color: colorsEnabled(ctx.env, this.context.stdout as { isTTY?: boolean }),
      json: this.json,
      intervalMs: this.interval,
    });
  }
}
