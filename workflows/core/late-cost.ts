import Decimal from 'decimal.js';
import type { TaskPort } from './port';
import type { TryResult } from './task-try';

/**
 * Cost rows a lost try writes after the task read them (issue 27). A worker that is slow, not dead,
 * misses its heartbeat timeout; the task reads that try's rows (attemptCost) and runs again, but the
 * old worker goes on writing rows for it until it learns it was timed out (its next heartbeat) or its
 * spool reaches the database. The task remembers what it booked for each lost try and, after every
 * later try, reads the rows again and charges the build what came since (patched 'late-try-cost').
 */
export class LostTries {
  private readonly booked = new Map<number, Decimal>();

  constructor(
    private readonly port: TaskPort,
    private readonly key: { buildId: string; taskId: string },
    /** Tries on record from the build's earlier runs: this run's try n is on record as before + n. */
    private readonly before = 0,
  ) {}

  /** After try `attempt`: charges the late rows of the earlier lost tries (the USD returned), then keeps this try if it was lost. */
  async settle(attempt: number, tried: TryResult): Promise<string> {
    let late = new Decimal(0);
    for (const [n, booked] of this.booked) {
      const onRecord = await this.read(n);
      // Settled answers may sum below the worst case booked: what the build charged stands.
      if (!onRecord?.gt(booked)) continue;
      const usd = onRecord.minus(booked).toString();
      await this.port.nonCancellable(() =>
        this.port.reportCost({ taskId: this.key.taskId, attempt: n, usd }),
      );
      this.booked.set(n, onRecord);
      late = late.plus(usd);
    }
    // Only what was booked from the record ('lost-try-cost') can be compared with the record.
    const fromRecord = () => this.port.patched('late-try-cost') && this.port.patched('lost-try-cost');
    if (!tried.ok && tried.error.details?.workerLost && fromRecord())
      this.booked.set(attempt, new Decimal(tried.costUsd));
    return late.toString();
  }

  /** The try's rows now, or nothing when they cannot be read (the next try reads them again). */
  private async read(attempt: number): Promise<Decimal | undefined> {
    try {
      const { usd } = await this.port.nonCancellable(() =>
        this.port.activities.attemptCost({ ...this.key, attempt: this.before + attempt }),
      );
      return new Decimal(usd);
    } catch (err) {
      if (this.port.describeError(err).cancelled) throw err;
      return undefined;
    }
  }
}
