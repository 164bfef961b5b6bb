import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class TelemetryEventsCommand extends BrCommand {
  static override paths = [['telemetry', 'events']];
  static override usage = BrCommand.Usage({
    category: Category.reports,
    description: 'List recent telemetry events, newest first',
    details: `
      Shows when (UTC), what, which build, task and model, and the event's details. \`--limit\` caps the
      list (default 50).
    `,
    examples: [
      ['The latest events', '$0 telemetry events'],
      [
        'Why did a build escalate?',
        '$0 telemetry events --build build-shop-3f9a2c1d --type FALLBACK_APPLIED',
      ],
    ],
  });

  build = Option.String('--build', { description: 'Only this build' });
  type = Option.String('--type', { description: 'Only this event type' });
  since = Option.String('--since', { description: 'Only since a span ago (7d) or a date (2026-11-01)' });
  limit = Option.String('--limit', '50', {
    description: 'At most this many events',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 10_000)]),
  });
  json = Option.Boolean('--json', false, { description: 'Print the events as JSON' });

  async execute(): Promise<number> {
    const [{ telemetry, parseSince }, { renderTable }, f] = await Promise.all([
      import('../../../services/reports'),
      import('../../render/table'),
      import('../../render/format'),
    ]);
    const result = await telemetry.events(await this.serviceContext(), {
      buildId: this.build ?? null,
      type: this.type ?? null,
      since: parseSince(this.since),
      limit: this.limit,
    });
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    if (result.events.length === 0) {
      this.print('No telemetry events for this selection.');
      return 0;
    }
    const detail = (data: unknown) => {
      const text = data === null || data === undefined ? '' : JSON.stringify(data);
      return text.length > 60 ? `${text.slice(0, 59)}…` : text;
    };
    this.print(
      renderTable(
        ['time', 'type', 'build', 'task', 'model', 'detail'],
        result.events.map((e) => [
          f.minute(e.occurredAt),
          e.type,
          e.buildId ?? '-',
          e.taskKey ?? '-',
          e.model ?? '-',
          detail(e.data),
        ]),
        { align: ['left', 'left', 'left', 'left', 'left', 'left'] },
      ),
    );
    return 0;
  }
}
