import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class BuildStatusCommand extends BrCommand {
  static override paths = [
    ['build', 'status'],
    ['parallel', 'status'],
  ];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Show a build once: status, budget, and every task with model, attempts and cost',
    details: `
      \`br parallel status\` (the BuildRunner 3 name) runs this same command.
    `,
    examples: [
      ['Status of a build', '$0 build status build-shop-3f9a2c1d'],
      ['For scripts', '$0 build status build-shop-3f9a2c1d --json'],
    ],
  });

  id = Option.String({ name: 'build-id' });
  json = Option.Boolean('--json', false, { description: 'Print the progress snapshot as JSON' });

  async execute(): Promise<number> {
    const [{ buildStatus }, { renderFrame }, { colorsEnabled }] = await Promise.all([
      import('../../../services/build-status'),
      import('../../render/progress'),
      import('../../colors'),
    ]);
    const ctx = await this.serviceContext();
    const status = await buildStatus(ctx, this.id);
    const { gaps, ...progress } = status;
    if (this.json) {
      this.printJson(status);
      return 0;
    }
    this.print(
      renderFrame(progress, {
        color: colorsEnabled(ctx.env, this.context.stdout as { isTTY?: boolean }),
        maxRows: 500,
      }),
    );
    if (gaps) {
      this.print(gaps.headline);
      for (const f of gaps.high ?? []) this.print(`  high ${f.kind}: ${f.message}`);
    }
    this.print(`Web UI: ${progress.webUiUrl}`);
    return 0;
  }
}
