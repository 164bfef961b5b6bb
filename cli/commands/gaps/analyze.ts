import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class GapsAnalyzeCommand extends BrCommand {
  static override paths = [['gaps', 'analyze']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Trace every spec requirement to tasks, merged changes and passing tests; report the gaps',
    details: `
      Reads the spec's requirements (explicit ids such as \`R1.2\`, acceptance criteria, EARS
      \`WHEN … THE SYSTEM SHALL …\` lines, checklist items) and traces each one to the tasks that serve
      it, their merge commits on the build branch, the tests that cite it (\`@req R1.2\` in a test name
      or a comment above it) and those tests' last results (a jest \`--json --outputFile\` report,
      \`gaps.testResults\` in the config, default \`.buildrunner/test-results.json\`).

      Without \`--build\` the spec is planned offline and the working tree is read; with \`--build ID\`
      the tasks come from the build's records and the tests from its branch.

      Findings, with a severity each: a requirement with no task, a task marked SUCCEEDED without a
      merged change (high); a done requirement without a passing test, a failing test, a feature marked
      complete in features.json without that evidence (high); a test citing an unknown requirement
      (medium); untestable wording such as "fast" without a number (low). No model is used: the same
      tree gives the same report. Exit code: 0 no findings, else the highest severity (1 low, 2
      medium, 3 high).

      \`--ai\` adds an advisory pass: one Claude call over the finished report (its cost is recorded)
      for what the rules cannot see, such as a test whose name does not exercise its requirement. Its
      findings are printed apart, marked advisory (\`advisory\` in JSON), and never change the
      report, its counts or the exit code; if the call fails, the report is printed as it is.
    `,
    examples: [
      ['Trace the spec in this repository', '$0 gaps analyze PROJECT_SPEC.md'],
      ['Trace a build', '$0 gaps analyze --build build-shop-3f9a2c1d'],
      ['Write the markdown report to a file', '$0 gaps analyze --output gaps.md'],
      ['For scripts', '$0 gaps analyze --json'],
      ['With advisory findings by Claude', '$0 gaps analyze --ai'],
    ],
  });

  spec = Option.String({ required: false, name: 'spec' });
  build = Option.String('--build', { description: 'Trace this build (its tasks, merges and branch)' });
  results = Option.String('--results', {
    description: 'jest-style JSON test results (default: gaps.testResults)',
  });
  output = Option.String('--output', {
    description: 'Also write the report to this file (JSON with --json)',
  });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });
  ai = Option.Boolean('--ai', false, {
    description:
      'Add advisory findings by Claude (needs ANTHROPIC_API_KEY; never changes the report or exit code)',
  });

  async execute(): Promise<number> {
    const [{ analyzeSpecGaps }, { gapsMarkdown }] = await Promise.all([
      import('../../../services/gaps'),
      import('../../../lib/gaps'),
    ]);
    const ctx = await this.serviceContext();
    const report = await analyzeSpecGaps(ctx, {
      ...(this.spec ? { specPath: this.spec } : {}),
      ...(this.build ? { buildId: this.build } : {}),
      ...(this.results ? { resultsFile: this.results } : {}),
    });
    let text = this.json ? `${JSON.stringify(report, null, 2)}\n` : gapsMarkdown(report);
    if (this.ai) {
      // Computed after the report and kept beside it: the deterministic result is already final.
      const { adviseOnGaps } = await import('../../../services/gaps-advice');
      const { advisoryMarkdown } = await import('../../../lib/gaps');
      const advisory = await adviseOnGaps(ctx, report);
      text = this.json
        ? `${JSON.stringify({ ...report, advisory }, null, 2)}\n`
        : `${text}${advisoryMarkdown(advisory)}`;
      if (advisory.error)
        this.printError(`The advisory pass failed (${advisory.error.code}); the gap report is unchanged.`);
    }
    if (this.output) writeFileSync(path.resolve(ctx.cwd, this.output), text);
    this.context.stdout.write(text);
    return report.exitCode;
  }
}
