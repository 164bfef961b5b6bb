import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../base';

export class CostsCommand extends BrCommand {
  static override paths = [['costs'], ['routing', 'costs']];
  static override usage = BrCommand.Usage({
    category: Category.reports,
    description: 'Show where the money went: Claude cost and tokens by model, task, build or day',
    details: `
      Sums the cost rows (one per Claude call, exact decimals). Days are UTC. \`--since\` takes a span
      (\`7d\`, \`24h\`, \`2w\`) or a date (\`2026-11-01\`). \`--json\` prints exact decimal strings.

      \`br routing costs\` (the BuildRunner 3 name) runs this same command; like \`br costs\` it groups
      by model unless \`--by\` says otherwise.
    `,
    examples: [
      ['Cost by model, all time', '$0 costs'],
      ['Daily cost over the last week', '$0 costs --by day --since 7d'],
      ['Where one build spent its money', '$0 costs --by task --build build-shop-3f9a2c1d'],
    ],
  });

  by = Option.String('--by', 'model', {
    description: 'Group by model, task, build or day',
    validator: t.isEnum(['model', 'task', 'build', 'day'] as const),
  });
  since = Option.String('--since', { description: 'Only calls since a span (7d) or a date (2026-11-01)' });
  build = Option.String('--build', { description: 'Only this build' });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const [{ costs, parseSince }, { renderTable, bar }, f] = await Promise.all([
      import('../../services/reports'),
      import('../render/table'),
      import('../render/format'),
    ]);
    const report = await costs(await this.serviceContext(), {
      by: this.by,
      since: parseSince(this.since),
      buildId: this.build ?? null,
    });
    if (this.json) {
      this.printJson(report);
      return 0;
    }
    if (report.rows.length === 0) {
      this.print('No Claude calls recorded for this selection.');
      return 0;
    }
    const max = Math.max(...report.rows.map((r) => Number(r.costUsd)));
    const row = (key: string, r: typeof report.total, share: string) => [
      key,
      f.count(r.calls),
      f.count(r.inputTokens),
      f.count(r.outputTokens),
      f.count(r.cacheWriteTokens),
      f.count(r.cacheReadTokens),
      f.usd(r.costUsd),
      share,
    ];
    this.print(
      renderTable(
        [report.by, 'calls', 'input', 'output', 'cache write', 'cache read', 'cost', ''],
        [
          ...report.rows.map((r) => row(r.key, r, bar(Number(r.costUsd), max, 16))),
          row('total', report.total, ''),
        ],
        { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] },
      ),
    );
    if (report.total.unsettledCalls > 0) {
      const { spentLine } = await import('../../services/reports');
      this.print(
        `Spent: ${spentLine(report.total)}. Unsettled requests are on record at their worst case (input by size, output at max_tokens).`,
      );
    }
    return 0;
  }
}
