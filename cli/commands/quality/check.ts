import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class QualityCheckCommand extends BrCommand {
  static override paths = [['quality', 'check']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description:
      'Score the repository 0–100 (tests, coverage, types, lint, complexity, duplication, secrets, gaps)',
    details: `
      Each sub-score is shown with its raw figure, its rule and its weight (\`quality.weights\` in the
      config): tests passing (a jest \`--json\` report), line and branch coverage (Istanbul/V8
      \`json-summary\`), type errors (tsc), lint errors (the repository's ESLint configuration),
      functions over cognitive complexity 15 (eslint-plugin-sonarjs), duplicated lines (jscpd's
      detector), secret findings (\`br security scan\`'s rules) and open high-severity gaps
      (\`br gaps analyze\`). What cannot be measured (no report, no tsconfig) is left out and the
      other weights count. Exit 1 below the threshold (default 80, \`quality.threshold\`).

      \`--new-code REF\` scores only lines changed since REF (coverage of new lines needs
      coverage-final.json). \`--ratchet\` fails when a sub-score falls below the baseline recorded in
      \`.buildrunner/quality-baseline.json\`, and records the new figures when none falls.
    `,
    examples: [
      ['Score this repository', '$0 quality check'],
      ['Gate a branch on its new code', '$0 quality check --new-code origin/main --threshold 80'],
      ['Never get worse', '$0 quality check --ratchet'],
      ['For scripts', '$0 quality check --json'],
    ],
  });

  threshold = Option.String('--threshold', {
    validator: t.cascade(t.isNumber(), [t.isInInclusiveRange(0, 100)]),
    description: 'Pass mark, 0–100 (default quality.threshold, 80)',
  });
  newCode = Option.String('--new-code', { description: 'Score only lines changed since this git ref' });
  ratchet = Option.Boolean('--ratchet', false, {
    description: 'Fail when a sub-score falls below the recorded baseline',
  });
  spec = Option.String('--spec', {
    description: 'Spec whose high-severity gaps count (default gaps.defaultSpec)',
  });
  results = Option.String('--results', {
    description: 'jest-style JSON test results (default gaps.testResults)',
  });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const { qualityCheck } = await import('../../../services/quality');
    const ctx = await this.serviceContext();
    const report = await qualityCheck(ctx, {
      ...(this.threshold !== undefined ? { threshold: this.threshold } : {}),
      ...(this.newCode ? { newCode: this.newCode } : {}),
      ...(this.spec ? { specPath: this.spec } : {}),
      ...(this.results ? { resultsFile: this.results } : {}),
      ratchet: this.ratchet,
    });
    if (this.json) {
      this.printJson(report);
      return report.passed ? 0 : 1;
    }
    const rows = report.subScores.map((s) => [
      s.name,
      s.score === null ? 'n/a' : s.score.toFixed(1),
      String(s.weight),
      s.raw,
      s.rule,
    ]);
    const head = ['sub-score', 'score', 'weight', 'measured', 'rule'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    this.print([line(head), ...rows.map(line)].join('\n'));
    const scope = report.newCode ? ` (new code since ${report.newCode}, ${report.files} files)` : '';
    this.print(
      `\nQuality ${report.score.toFixed(1)} / 100${scope}; threshold ${report.threshold}: ${report.score >= report.threshold ? 'pass' : 'FAIL'}.`,
    );
    for (const r of report.ratchet?.regressions ?? [])
      this.print(`Ratchet: ${r.name} fell from ${r.baseline} to ${r.score}.`);
    if (report.ratchet?.recorded) this.print(`Ratchet: baseline recorded in ${report.ratchet.baselineFile}.`);
    return report.passed ? 0 : 1;
  }
}
