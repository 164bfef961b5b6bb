/**
 * What the build has to write down and has not yet: task records and telemetry events, kept in the
 * order they happened and written when the build loop comes round (`flush`).
 */
import type { RecordTaskInput, TelemetryEventInput, TelemetryType } from '../../lib/contracts';
import type { RuntimePort } from './port';
import type { Notifier } from './notifier';
import { FailedStep } from './step';
import { telemetryEvent } from './telemetry';

export class Outbox {
  private events: TelemetryEventInput[] = [];
  private records: RecordTaskInput[] = [];
  /** The build's notifications, when its input configures sinks (notifier.ts); flush starts them. */
  notifier: Notifier | undefined;

  /**
   * `runTag` (a `br build continue` run's, e.g. `c1`) goes before each event's scope: the run's events
   * (its tasks started again, its end) are new occurrences, not duplicates of the ended run's.
   */
  constructor(
    private readonly buildId: string,
    private readonly now: () => number,
    private readonly runTag = '',
  ) {}

  record(task: RecordTaskInput): void {
    this.records.push(task);
  }

  /** `scope` makes the event's idempotency key (one BUDGET_ALERT per threshold); `model` is for per-model metrics. */
  event(
    type: TelemetryType,
    taskId: string | undefined,
    data: Record<string, unknown>,
    scope: string = type,
    model?: string,
  ): void {
    const at = this.now();
    if (this.runTag) scope = `${this.runTag}/${scope}`;
    this.events.push(telemetryEvent({ type, buildId: this.buildId, taskId, model, at, scope, data }));
  }

  /** Writes the pending task records, then the pending events; a failure names the step that broke. */
  async flush(port: Pick<RuntimePort, 'activities' | 'describeError'>): Promise<void> {
    this.notifier?.dispatch(port);
    const records = this.records.splice(0);
    // The awaits stay in this function (no wrapper): an extra promise hop would reorder the body's
    // reactions within one workflow activation, and running builds replay this order.
    try {
      if (records.length) await Promise.all(records.map((r) => port.activities.recordTask(r)));
    } catch (err) {
      throw new FailedStep('Recording task results', err);
    }
    const events = this.events.splice(0);
    try {
      if (events.length) await port.activities.emitEvents(events);
    } catch (err) {
      throw new FailedStep('Writing build events', err);
    }
  }
}
