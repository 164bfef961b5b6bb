/**
 * The build's notifications (lib/notify/events.ts): each event goes to every configured sink that takes
 * it, one notifier activity per (event, sink) pair under a key stable across retries and replays. The
 * build never waits on a delivery while it works; before it ends it waits, bounded by the sinks'
 * timeouts, for the deliveries still out. A delivery that fails becomes a NOTIFY_FAILED event, never a
 * failed build. Only builds whose input has `notify` (and that run the 'notifications' patch) notify.
 */
import type { NotifyFailureDetails } from '../../lib/contracts';
import type { SinkInstance } from '../../lib/notify/config';
import type { NotifyEvent, NotifyEventType } from '../../lib/notify/events';
import type { RuntimePort } from './port';

/** Tries per delivery (the activity's retry policy); more are pointless, sinks retry inside their timeout. */
export const NOTIFY_ATTEMPTS = 3;
/** The activity's time beyond the sink's timeout: its ledger writes. */
export const NOTIFY_GRACE_MS = 5_000;

/** The longest a delivery to a sink with this timeout can take: every try, and the backoff between them. */
export function deliveryBoundMs(timeoutMs: number): number {
  const backoffMs = 1000 * (2 ** (NOTIFY_ATTEMPTS - 1) - 1);
  return NOTIFY_ATTEMPTS * (timeoutMs + NOTIFY_GRACE_MS) + backoffMs + 2_000;
}

type DataOf<T extends NotifyEventType> = Extract<NotifyEvent, { type: T }>['data'];
type NotifyPort = Pick<RuntimePort, 'activities' | 'describeError'>;

export class Notifier {
  private readonly pending: NotifyEvent[] = [];
  private outstanding = 0;
  /** When the last delivery started so far must have ended, all tries included (host clock). */
  private lastDue = 0;

  constructor(
    private readonly b: {
      buildId: string;
      sinks: readonly SinkInstance[];
      /** Tells this run of the build from a rebuild of the same id (its first start time). */
      runKey: string;
      now: () => number;
      /** Records a delivery that failed (the outbox's NOTIFY_FAILED event). */
      failed: (data: Record<string, unknown>, scope: string) => void;
    },
  ) {}

  /** Queues an event; `scope` makes its id (`<build>/<type>/<scope>`) unique and stable. */
  emit<T extends NotifyEventType>(type: T, scope: string, data: DataOf<T>): void {
    if (!this.b.sinks.some((s) => s.events.includes(type))) return;
    const { buildId } = this.b;
    const at = new Date(this.b.now()).toISOString();
    this.pending.push({
      version: 1,
      id: `${buildId}/${type}/${scope}`,
      type,
      buildId,
      at,
      data,
    } as NotifyEvent);
  }

  /** Starts the queued deliveries and returns at once: nothing the build does waits on a sink. */
  dispatch(port: NotifyPort): void {
    for (const event of this.pending.splice(0))
      for (const sink of this.b.sinks.filter((s) => s.events.includes(event.type))) {
        this.outstanding += 1;
        this.lastDue = Math.max(this.lastDue, this.b.now() + deliveryBoundMs(sink.timeoutMs));
        const key = `${event.id}/${sink.id}/${this.b.runKey}`;
        port.activities.notify({ event, sink, key }).then(
          () => (this.outstanding -= 1),
          (err: unknown) => {
            this.outstanding -= 1;
            const d = port.describeError(err);
            const details = d.details as NotifyFailureDetails | undefined;
            this.b.failed(
              {
                sink: sink.id,
                sinkName: sink.sink,
                eventType: event.type,
                eventId: event.id,
                kind: d.type === 'NOTIFY_FAILED' ? (details?.kind ?? 'unavailable') : 'unavailable',
                message: d.message.slice(0, 2000),
                ...(details?.hint ? { hint: details.hint } : {}),
              },
              `NOTIFY_FAILED/${sink.id}/${event.type}/${event.id}`,
            );
          },
        );
      }
  }

  /** Emits and starts at once: for events outside the build's loop (the plan gate waits without one). */
  now<T extends NotifyEventType>(port: NotifyPort, type: T, scope: string, data: DataOf<T>): void {
    this.emit(type, scope, data);
    this.dispatch(port);
  }

  /** Waits until every delivery started has ended, or until the last could have; true when none is left. */
  async drain(port: NotifyPort & Pick<RuntimePort, 'condition'>): Promise<boolean> {
    this.dispatch(port);
    if (this.outstanding === 0) return true;
    return port.condition(() => this.outstanding === 0, Math.max(1, this.lastDue - this.b.now()));
  }
}
