/**
 * The build's budget ledger: exact decimal running total, a reservation per task attempt reconciled
 * with the actual cost after it, alerts that fire once per threshold, and the breaker (budget or
 * quota) under which no reservation is granted. Concurrent tasks can overshoot the limit only by what
 * the calls already in flight spend beyond their reservations.
 */
import Decimal from 'decimal.js';
import type { BudgetAlert, BudgetProgress } from './progress';
import type { CostReport, ReservationRequest } from './port';

export type Breaker = 'closed' | 'budget' | 'quota';

export type ReservationAnswer = { granted: true; usd: string } | { granted: false; hold: true };

export interface LedgerState {
  limitUsd: string;
  spentUsd: string;
  alertsFired: number[];
}

const key = (taskId: string, attempt: number) => `${taskId}#${attempt}`;

export class BudgetLedger {
  private limit: Decimal;
  private spent: Decimal;
  private readonly reservations = new Map<string, { taskId: string; usd: Decimal }>();
  private readonly fired: Set<number>;
  private breakerState: Breaker = 'closed';

  constructor(
    limitUsd: string,
    private readonly thresholds: readonly number[] = [0.5, 0.8, 1],
    carried?: { spentUsd: string; alertsFired: readonly number[] },
  ) {
    this.limit = new Decimal(limitUsd);
    this.spent = new Decimal(carried?.spentUsd ?? 0);
    this.fired = new Set(carried?.alertsFired ?? []);
    if (this.spent.gte(this.limit)) this.breakerState = 'budget';
  }

  get breaker(): Breaker {
    return this.breakerState;
  }

  get limitUsd(): string {
    return this.limit.toString();
  }

  get spentUsd(): string {
    return this.spent.toString();
  }

  get alertsFired(): number[] {
    return [...this.fired].sort((a, b) => a - b);
  }

  reserved(): Decimal {
    let total = new Decimal(0);
    for (const r of this.reservations.values()) total = total.plus(r.usd);
    return total;
  }

  /**
   * Answers a reservation: granted in full when it fits under the limit; granted what is left when
   * nothing else is in flight (so the last dollars can be used); otherwise held until something changes.
   * Nothing is granted while the breaker is tripped.
   */
  request(req: ReservationRequest): ReservationAnswer {
    if (this.breakerState !== 'closed') return { granted: false, hold: true };
    const asked = new Decimal(req.usd);
    const left = this.limit.minus(this.spent).minus(this.reserved());
    let usd: Decimal | null = null;
    if (asked.lte(left)) usd = asked;
    else if (this.reservations.size === 0 && left.gt(0)) usd = left;
    if (!usd) return { granted: false, hold: true };
    this.reservations.set(key(req.taskId, req.attempt), { taskId: req.taskId, usd });
    return { granted: true, usd: usd.toString() };
  }

  /** Releases the attempt's reservation and books its actual cost. Returns the alerts this crossed. */
  reconcile(report: CostReport, at: number): BudgetAlert[] {
    this.reservations.delete(key(report.taskId, report.attempt));
    if (report.quotaExhausted) this.breakerState = 'quota';
    return this.addSpent(report.usd, at);
  }

  /** Books a cost outside any reservation (planning, estimation). */
  addSpent(usd: string, at: number): BudgetAlert[] {
    this.spent = this.spent.plus(usd);
    if (this.spent.gte(this.limit) && this.breakerState === 'closed') this.breakerState = 'budget';
    const alerts: BudgetAlert[] = [];
    for (const t of this.thresholds) {
      if (this.fired.has(t) || this.spent.lt(this.limit.mul(t))) continue;
      this.fired.add(t);
      alerts.push({ threshold: t, spentUsd: this.spent.toString(), budgetUsd: this.limit.toString(), at });
    }
    return alerts;
  }

  /** Drops whatever a task still holds (it ended without reporting, e.g. it crashed or was cancelled). */
  releaseTask(taskId: string): void {
    for (const [k, r] of this.reservations) if (r.taskId === taskId) this.reservations.delete(k);
  }

  /** Adds to the limit; a budget breaker closes once spending is below the new limit. Alerts do not re-fire. */
  raise(usd: string): void {
    this.limit = this.limit.plus(usd);
    if (this.breakerState === 'budget' && this.spent.lt(this.limit)) this.breakerState = 'closed';
  }

  /** The operator fixed the account's quota (resume signal). */
  resetQuota(): void {
    if (this.breakerState !== 'quota') return;
    this.breakerState = this.spent.gte(this.limit) ? 'budget' : 'closed';
  }

  progress(): BudgetProgress {
    const reserved = this.reserved();
    const left = Decimal.max(0, this.limit.minus(this.spent).minus(reserved));
    return {
      limitUsd: this.limit.toString(),
      spentUsd: this.spent.toString(),
      reservedUsd: reserved.toString(),
      leftUsd: left.toString(),
      fractionUsed: this.limit.isZero() ? 1 : this.spent.div(this.limit).toNumber(),
      breaker: this.breakerState,
    };
  }
}
