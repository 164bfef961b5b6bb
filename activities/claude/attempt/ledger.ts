import { FailureClass } from '../../../lib/failures';
import { failure } from '../../failure';
import { isDatabaseUnreachable } from '../../../lib/db/unreachable';
import type { CostWrite } from '../cost';
import type { CostSpool } from './spool';

/**
 * An attempt's cost-row writes, in order, riding out a database that cannot be reached. A write the
 * database refuses for lack of a connection stays in memory behind the earlier ones and the attempt
 * carries on (its answers are already in hand, and the workflow gets its spend from the attempt's
 * result, not from the rows); every later write first retries what is waiting. Before the attempt
 * returns, `flush` waits for the database with backoff, up to `maxWaitMs`, so no row is lost and none is
 * written twice (each write is idempotent by its key). Why here and not as activity retries: a retried
 * agent activity would pay for the conversation again; only the writes need to wait.
 *
 * With a spool (spool.ts), a write that has to wait is also appended to a file on the worker's disk,
 * fsynced before `write` returns, so the request it covers is not sent before its row is durable: a
 * worker killed while the database is away leaves its rows there, for the next drain (spool-drain.ts) to
 * write. Once everything waiting is written, the file goes. Without one (or if the disk refuses), the
 * writes wait in memory only, as before.
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
  /** Where writes that wait are made durable. */
  spool?: CostSpool;
}

interface Waiting {
  write: CostWrite;
  spooled: boolean;
}

export class CostLedger {
  private readonly waiting: Waiting[] = [];
  private unreachableSince: Date | undefined;
  private lastError: unknown;
  /** One write or flush at a time: the claude-code engine's proxy may write for requests sent together. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly apply: (w: CostWrite) => Promise<void>,
    private readonly options: LedgerOptions,
  ) {}

  /** Writes still waiting for the database. */
  get pending(): number {
    return this.waiting.length;
  }

  get outageSince(): Date | undefined {
    return this.unreachableSince;
  }

  /** Writes now, after whatever is waiting; keeps the write in order if the database cannot be reached. */
  write(w: CostWrite): Promise<void> {
    return this.inTurn(() => this.writeNow(w));
  }

  /** Waits, with backoff, until every write is in, or fails once the database stayed away for maxWaitMs. */
  flush(): Promise<void> {
    return this.inTurn(() => this.flushNow());
  }

  private inTurn<T>(step: () => Promise<T>): Promise<T> {
    const run = this.turn.then(step);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async writeNow(w: CostWrite): Promise<void> {
    this.waiting.push({ write: w, spooled: false });
    // A file in use gets every write until it goes, before the write is tried: a replay of it (an estimate
    // and the settle that followed) then ends where the database ends, never with an estimate alone.
    if (this.options.spool?.path) await this.spoolWaiting();
    if (!(await this.drain())) await this.spoolWaiting();
  }

  /** Appends, in order, what waits and is not on disk yet; stops at the first the disk refuses (memory keeps it). */
  private async spoolWaiting(): Promise<void> {
    const { spool } = this.options;
    if (!spool) return;
    for (const entry of this.waiting) {
      if (entry.spooled) continue;
      try {
        await spool.append(entry.write);
      } catch {
        return;
      }
      entry.spooled = true;
    }
  }

  /** Tries what is waiting, in order; returns whether everything is written. Other errors throw. */
  private async drain(): Promise<boolean> {
    while (this.waiting.length > 0) {
      try {
        await this.apply(this.waiting[0]!.write);
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
    await this.options.spool?.discard();
    return true;
  }

  private async flushNow(): Promise<void> {
    const { maxWaitMs, baseMs = 500, capMs = 10_000, signal } = this.options;
    let delay = baseMs;
    for (;;) {
      if (await this.drain()) return;
      const since = this.unreachableSince?.getTime() ?? Date.now();
      if (Date.now() - since >= maxWaitMs || signal?.aborted) {
        // The rows stay on disk for this worker's next drain (a record step, a restart).
        await this.options.spool?.handOver().catch(() => undefined);
        throw failure(
          FailureClass.NETWORK,
          `The database could not be reached for ${Math.round((Date.now() - since) / 1000)} s; ${this.waiting.length} cost row(s) of this attempt are not written (${String((this.lastError as Error)?.message ?? this.lastError).slice(0, 200)}).`,
        );
      }
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
