/**
 * The build's side of the budget: the ledger, the alerts it fired (each also an event), the
 * reservations held while the breaker is tripped, and how long the breaker has been tripped.
 */
import { BudgetLedger } from './budget';
import type { Outbox } from './outbox';
import type { CostReport, ReservationGrant, ReservationRequest } from './port';
import type { BudgetAlert } from './progress';
import { ReservationQueue } from './reservations';
import type { BuildWorkflowInput } from './types';

export const DEFAULT_BUDGET_WAIT_MS = 24 * 60 * 60 * 1000;

export class BuildBudget {
  readonly alerts: BudgetAlert[] = [];
  private readonly held = new ReservationQueue();
  private trippedSince: number | undefined;

  /** The budget of a build's run: a continued run starts from the carried totals and raises. */
  static of(input: BuildWorkflowInput, outbox: Outbox): BuildBudget {
    const carried = input.carried;
    const ledger = new BudgetLedger(carried?.budgetUsd ?? input.budgetUsd, input.alertThresholds, carried);
    return new BuildBudget(ledger, input.budgetWaitMs ?? DEFAULT_BUDGET_WAIT_MS, outbox);
  }

  constructor(
    readonly ledger: BudgetLedger,
    /** How long a tripped breaker waits for raiseBudget/resume before the build stops. */
    private readonly waitMs: number,
    private readonly outbox: Outbox,
  ) {}

  get breakerClosed(): boolean {
    return this.ledger.breaker === 'closed';
  }

  spent(usd: string, at: number): void {
    this.alert(this.ledger.addSpent(usd, at));
  }

  reconcile(report: CostReport, at: number): void {
    this.alert(this.ledger.reconcile(report, at));
  }

  hold(request: ReservationRequest): void {
    this.held.push(request);
  }

  /**
   * Reserves a task's first attempt as the build starts it, so the task need not ask (issue 31). Only
   * while nobody waits for an answer: held requests keep their turn. Undefined when it cannot be granted.
   */
  grantAtStart(request: ReservationRequest): string | undefined {
    if (!this.held.isEmpty) return undefined;
    const answer = this.ledger.request(request);
    return answer.granted ? answer.usd : undefined;
  }

  /** Answers held reservations: all refused once the build stopped, otherwise those the ledger covers. */
  answer(
    stopped: () => boolean,
    send: (grant: ReservationGrant) => Promise<void>,
    mayRun?: (request: ReservationRequest) => boolean,
  ): Promise<void> {
    return this.held.answer(this.ledger, stopped, send, mayRun);
  }

  /** Times a tripped breaker; true once it has held for the whole wait. A stop or a closed breaker resets it. */
  waitedOut(now: number, stopped: boolean): boolean {
    if (stopped || this.breakerClosed) {
      this.trippedSince = undefined;
      return false;
    }
    this.trippedSince ??= now;
    return now - this.trippedSince >= this.waitMs;
  }

  /** What is left of the breaker's wait, for the loop's sleep; undefined when it is not waiting. */
  waitLeft(now: number, stopped: boolean): number | undefined {
    return !stopped && this.trippedSince !== undefined ? this.trippedSince + this.waitMs - now : undefined;
  }

  private alert(alerts: BudgetAlert[]): void {
    for (const a of alerts) {
      this.alerts.push(a);
      const data = { threshold: a.threshold, spentUsd: a.spentUsd, budgetUsd: a.budgetUsd };
      this.outbox.event('BUDGET_ALERT', undefined, data, `BUDGET_ALERT-${a.threshold}`);
      const percent = Math.round(a.threshold * 100);
      this.outbox.notifier?.emit('build.budget_threshold', String(percent), { ...data, threshold: percent });
    }
  }
}
