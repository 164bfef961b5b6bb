import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../base';

export class MetricsCommand extends BrCommand {
  static override paths = [['metrics']];
  static override usage = BrCommand.Usage({
    category: Category.reports,
    description: 'Show task outcomes, cost, tokens and durations per hour, day or week, with a trend',
    details: `
      Reads the rollups kept by the hourly \`metrics-aggregation\` schedule (or \`br maintenance
      aggregate\`), not the raw events, so it stays fast as history grows. Buckets are UTC; weeks start
      on Monday. Without \`--since\` it shows the last 24 hours, 30 days or 12 weeks. \`--model\` picks one
      model's rows; the default is all models together.
    `,
    examples: [
      ['Daily metrics for the last 30 days', '$0 metrics'],
      ['Hourly, one model', '$0 metrics --period hour --model claude-sonnet-5-5'],
      ['Weekly, for scripts', '$0 metrics --period week --since 2026-09-01 --json'],
    ],
  });

  period = Option.String('--period', 'day', {
    description: 'hour, day or week',
    validator: t.isEnum(['hour', 'day', 'week'] as const),
  });
  since = Option.String('--since', { description: 'Start at a span ago (7d) or a date (2026-11-01)' });
  model = Option.String('--model', { description: 'One model (default: all models)' });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const [{ metrics, parseSince }, { renderTable, sparkline }, f] = await Promise.all([
      import('../../services/reports'),
      import('../render/table'),
      import('../render/format'),
    ]);
    const report = await metrics(await this.serviceContext(), {
      period: this.period,
      since: parseSince(this.since),
      model: this.model ?? '*',
    });
    if (this.json) {
      this.printJson(report);
      return 0;
    }
    const scope = report.model === '*' ? 'all models' : report.model;
    if (report.rows.length === 0) {
      this.print(
        report.aggregatedUpTo === null
          ? 'No rollups yet: run `br maintenance aggregate` or `br schedules apply`.'
          : `No ${report.period} buckets for ${scope} since ${f.minute(report.since)} UTC.`,
      );
      return 0;
    }
    this.print(
      `${report.period} buckets, ${scope}, UTC (aggregated up to ${f.minute(report.aggregatedUpTo ?? '')})`,
    );
    this.print(
      renderTable(
        [
          report.period,
          'started',
          'succeeded',
          'failed',
          'escalated',
          'cost',
          'input',
          'output',
          'avg',
          'p95',
        ],
        report.rows.map((r) => [
          report.period === 'hour' ? f.minute(r.bucketStart) : r.bucketStart.slice(0, 10),
          f.count(r.tasksStarted),
          f.count(r.tasksSucceeded),
          f.count(r.tasksFailed),
          f.count(r.tasksEscalated),
          f.usd(r.costUsd),
          f.count(r.inputTokens),
          f.count(r.outputTokens),
          f.duration(r.durationAvgMs),
          f.duration(r.durationP95Ms),
        ]),
      ),
    );
    this.print('');
    this.print(`cost      ${sparkline(report.rows.map((r) => Number(r.costUsd)))}`);
    this.print(`succeeded ${sparkline(report.rows.map((r) => r.tasksSucceeded))}`);
    this.print(`failed    ${sparkline(report.rows.map((r) => r.tasksFailed))}`);
    return 0;
  }
}
