import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class TelemetryCalibrationCommand extends BrCommand {
  static override paths = [['telemetry', 'calibration']];
  static override usage = BrCommand.Usage({
    category: Category.reports,
    description:
      'Compare complexity estimates with outcomes: success, attempts, escalations and cost per level',
    details: `
      For every task whose estimate was recorded, groups by the estimated level: tasks, successes,
      failures, attempts, escalations to a stronger model, tokens and cost. A level with many escalations
      or a low success rate starts on too weak a model (see \`routing\` in buildrunner.config.json).
      Only events inside the retention window are counted.
    `,
    examples: [
      ['All recorded builds', '$0 telemetry calibration'],
      ['The last 30 days, for scripts', '$0 telemetry calibration --since 30d --json'],
    ],
  });

  build = Option.String('--build', { description: 'Only this build' });
  since = Option.String('--since', { description: 'Only since a span ago (7d) or a date (2026-11-01)' });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const [{ calibration }, { parseSince }, { renderTable }, f] = await Promise.all([
      import('../../../services/calibration'),
      import('../../../services/reports'),
      import('../../render/table'),
      import('../../render/format'),
    ]);
    const report = await calibration(await this.serviceContext(), {
      buildId: this.build ?? null,
      since: parseSince(this.since),
    });
    if (this.json) {
      this.printJson(report);
      return 0;
    }
    if (report.levels.length === 0) {
      this.print('No estimated tasks recorded for this selection.');
      return 0;
    }
    const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);
    this.print(
      renderTable(
        [
          'level',
          'tier',
          'tasks',
          'succeeded',
          'failed',
          'success',
          'attempts/task',
          'escalations',
          'tokens in',
          'tokens out',
          'cost',
        ],
        report.levels.map((r) => [
          r.level,
          r.recommendedTier ?? '-',
          f.count(r.tasks),
          f.count(r.succeeded),
          f.count(r.failed),
          pct(r.successRate),
          r.avgAttempts === null ? '-' : r.avgAttempts.toFixed(2),
          f.count(r.escalations),
          f.count(Number(r.inputTokens)),
          f.count(Number(r.outputTokens)),
          f.usd(r.costUsd),
        ]),
      ),
    );
    return 0;
  }
}
