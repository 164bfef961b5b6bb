import { FailureClass } from '../../../lib/failures';
import { failure } from '../../failure';
import { isDatabaseUnreachable } from '../../../lib/db/unreachable';

/**
 * An attempt's cost-row writes, in order, riding out a database that cannot be reached. A write the
 * database refuses for lack of a connection stays in memory behind the earlier ones and the attempt
 * carries on (its answers are already in hand, and the workflow gets its spend from the attempt's
 * result, not from the rows); every later write first retries what is waiting. Before the attempt
 * returns, `flush` waits for the database with backoff, up to `maxWaitMs`, so no row is lost and none is
 * written twice (each write is idempotent by its key). Why here and not as activity retries: a retried
 * agent activity would pay for the conversation again; only the writes need to wait.
 */

export interface LedgerOptions {
  /** How long `flush` waits for an unreachable database before giving up. */
  maxWaitMs: number;
  /** First wait between tries; doubles up to `capMs`. */
  baseMs?: number;
  capMs?: number;
  /** Stops the waiting (the activity was cancelled). */
  signal?: AbortSignal;
  /** Told when the database became unreachable (once per outage), e.g. for the heartbeat. */
  onWaiting?: (since: Date) => void;
}

export class CostLedger {
  private readonly waiting: (() => Promise<void>)[] = [];
  private unreachableSince: Date | undefined;
  private lastError: unknown;

  constructor(private readonly options: LedgerOptions) {}

  /** Writes still waiting for the database. */
  get pending(): number {
    return this.waiting.length;
  }

  get outageSince(): Date | undefined {
    return this.unreachableSince;
  }

  /** Writes now, after whatever is waiting; keeps the write in order if the database cannot be reached. */
  async write(op: () => Promise<void>): Promise<void> {
    this.waiting.push(op);
    await this.drain();
  }

  /** Tries what is waiting, in order; returns whether everything is written. Other errors throw. */
  private async drain(): Promise<boolean> {
    while (this.waiting.length > 0) {
      try {
        await this.waiting[0]!();
      } catch (err) {
        if (!isDatabaseUnreachable(err)) throw err;
        this.lastError = err;
        if (!this.unreachableSince) {
          this.unreachableSince = new Date();
          this.options.onWaiting?.(this.unreachableSince);
        }
        return false;
      }
      this.waiting.shift();
      this.unreachableSince = undefined;
    }
    return true;
  }

  /** Waits, with backoff, until every write is in, or fails once the database stayed away for maxWaitMs. */
  async flush(): Promise<void> {
    const { maxWaitMs, baseMs = 500, capMs = 10_000, signal } = this.options;
    let delay = baseMs;
    for (;;) {
      if (await this.drain()) return;
      const since = this.unreachableSince?.getTime() ?? Date.now();
      if (Date.now() - since >= maxWaitMs || signal?.aborted)
        throw failure(
          FailureClass.NETWORK,
          `The database could not be reached for ${Math.round((Date.now() - since) / 1000)} s; ${this.waiting.length} cost row(s) of this attempt are not written (${String((this.lastError as Error)?.message ?? this.lastError).slice(0, 200)}).`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(delay, Math.max(0, since + maxWaitMs - Date.now())));
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
      delay = Math.min(capMs, delay * 2);
    }
  }
}
