import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class TelemetrySummaryCommand extends BrCommand {
  static override paths = [['telemetry', 'summary']];
  static override usage = BrCommand.Usage({
    category: Category.reports,
    description: 'Count telemetry events by type (fallbacks, budget alerts, hook rejections, …)',
    details: `
      Counts the recorded events, optionally for one build, one type or a time span, with the first and
      last time each type occurred (UTC). Events older than the retention window are archived and no
      longer counted.
    `,
    examples: [
      ['Everything recorded', '$0 telemetry summary'],
      ['One build', '$0 telemetry summary --build build-shop-3f9a2c1d'],
      ['Fallbacks this week, for scripts', '$0 telemetry summary --type FALLBACK_APPLIED --since 7d --json'],
    ],
  });

  build = Option.String('--build', { description: 'Only this build' });
  type = Option.String('--type', { description: 'Only this event type, e.g. FALLBACK_APPLIED' });
  since = Option.String('--since', { description: 'Only since a span ago (7d) or a date (2026-11-01)' });
  json = Option.Boolean('--json', false, { description: 'Print the summary as JSON' });

  async execute(): Promise<number> {
    const [{ telemetry, parseSince }, { renderTable, bar }, f] = await Promise.all([
      import('../../../services/reports'),
      import('../../render/table'),
      import('../../render/format'),
    ]);
    const summary = await telemetry.summary(await this.serviceContext(), {
      buildId: this.build ?? null,
      type: this.type ?? null,
      since: parseSince(this.since),
    });
    if (this.json) {
      this.printJson(summary);
      return 0;
    }
    if (summary.total === 0) {
      this.print('No telemetry events for this selection.');
      return 0;
    }
    const max = Math.max(...summary.types.map((t) => t.events));
    this.print(
      renderTable(
        ['type', 'events', 'first', 'last', ''],
        summary.types.map((t) => [
          t.type,
          f.count(t.events),
          f.minute(t.first),
          f.minute(t.last),
          bar(t.events, max, 16),
        ]),
        { align: ['left', 'right', 'left', 'left', 'left'] },
      ),
    );
    this.print(`${f.count(summary.total)} events`);
    return 0;
  }
}
