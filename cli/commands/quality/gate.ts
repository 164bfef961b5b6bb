import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, UsageError } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class QualityGateCommand extends BrCommand {
  static override paths = [['quality', 'gate']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Check a change against quality.gate: the score of the lines changed since a ref',
    details: `
      The check a build runs on every task's change before its merge when \`quality.gate\` is set
      (there in the task's worktree, in the sandbox, since the task's base commit). It measures only
      what \`quality.gate.measure\` lists (default: type errors, lint errors, functions over the
      cognitive-complexity limit, duplicated lines, secrets), only on the lines changed since
      \`--base\`, and fails when the weighted score is under the threshold (\`quality.gate.threshold\`,
      default \`quality.threshold\`) or a sub-score under its minimum in \`quality.gate.require\`.
      Each finding is printed with its file and line: what the agent gets on its repair attempt.
      Without \`quality.gate\` in the config the gate's defaults are used. Exit 1 when it fails.
    `,
    examples: [
      ['Check this branch before pushing', '$0 quality gate --base origin/main'],
      ['For scripts', '$0 quality gate --base main --json'],
    ],
  });

  base = Option.String('--base', {
    required: true,
    description: 'Score only lines changed since this git ref',
  });
  settings = Option.String('--settings', {
    description: 'The gate settings as JSON (what a build passes; default: from the config)',
  });
  committed = Option.Boolean('--committed', false, {
    description: 'Ignore untracked files (a build task measures what it committed)',
  });
  output = Option.String('--output', { description: 'Also write the JSON report to this file' });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const [{ runQualityGate, settingsFromConfig }, { gateFeedback }] = await Promise.all([
      import('../../../services/quality-gate'),
      import('../../../lib/quality'),
    ]);
    let root = this.cwd;
    let settings;
    if (this.settings) {
      // A build's task: its settings are fixed at the build's start, whatever the worktree's config says.
      let given: unknown;
      try {
        given = JSON.parse(this.settings);
      } catch {
        given = null;
      }
      if (typeof given !== 'object' || given === null || Array.isArray(given))
        throw new UsageError('--settings must be the gate settings as a JSON object.');
      const { parseConfig } = await import('../../../lib/config');
      // Anything left out takes the gate's defaults, not the worktree's config.
      settings = { ...settingsFromConfig(parseConfig({})), ...given };
    } else {
      const ctx = await this.serviceContext();
      root = ctx.root;
      settings = settingsFromConfig(ctx.config);
    }
    const report = await runQualityGate({ root, base: this.base, settings, committedOnly: this.committed });
    if (this.output)
      writeFileSync(path.resolve(this.cwd, this.output), `${JSON.stringify(report, null, 2)}\n`);
    if (this.json) this.printJson(report);
    else this.print(gateFeedback(report));
    return report.passed ? 0 : 1;
  }
}
