/**
 * What a running build knows, shared by its loop (build-body.ts), its handlers (build-handlers.ts) and
 * its task starts (build-tasks.ts): status, the pause and cancel asked for, why it stopped, the plan and
 * its estimates, the task book, the budget, the outbox and the approval gate.
 */
import type { ComplexityEstimate } from '../../lib/contracts';
import type { DeliveryProgress } from '../../lib/delivery';
import type { ExplainedFailure } from '../../lib/failure-hints';
import type { Plan } from '../../lib/plan';
import { ApprovalGate } from './approval';
import { BuildBudget } from './build-budget';
import { Notifier } from './notifier';
import { Outbox } from './outbox';
import type { BuildPort } from './port';
import type { BuildStatus } from './progress';
import type { TaskBook } from './task-book';
import type { BuildCarryOver, BuildWorkflowInput } from './types';

export type Stop = 'CANCELLED' | 'BUDGET_EXHAUSTED';

export class BuildState {
  status: BuildStatus = 'PLANNING';
  paused: boolean;
  cancelRequested = false;
  stopped: Stop | undefined;
  /** Bumped by every signal and task end: the loop's wait wakes on it. */
  version = 0;
  /**
   * Issue 31 (patched 'start-on-task-end'): set by the loop, run by every task end, so that the tasks it
   * made ready start in the same workflow task instead of when the loop next comes round.
   */
  afterTaskEnd: (() => void) | undefined;
  /** A start made by afterTaskEnd that failed: the loop throws it. */
  startFailure: unknown;
  plan: Plan | undefined;
  estimates: Record<string, ComplexityEstimate> = {};
  /** Undefined until the tasks are booked (after planning and the first records). */
  book: TaskBook | undefined;
  failure: ExplainedFailure | undefined;
  /** Builds with `delivery`, once it began: waiting, delivering, delivered, or why not. */
  delivery: DeliveryProgress | undefined;
  readonly startedAt: number;
  readonly generation: number;
  readonly outbox: Outbox;
  readonly budget: BuildBudget;
  readonly gate: ApprovalGate;

  /** A continued run starts from the carried pause, start time and generation. */
  constructor(
    port: Pick<BuildPort, 'now' | 'patched'>,
    private readonly input: BuildWorkflowInput,
  ) {
    this.paused = input.carried?.paused ?? false;
    this.startedAt = input.carried?.startedAt ?? port.now();
    this.generation = input.carried?.generation ?? 0;
    const continued = input.carried?.continued;
    // Histories of continued runs made before 'continued-run-events' replay with the ended run's keys.
    const runTag = continued && port.patched('continued-run-events') ? `c${continued}` : '';
    this.outbox = new Outbox(input.buildId, () => port.now(), runTag);
    this.budget = BuildBudget.of(input, this.outbox);
    // Only a build started with sinks asks for the patch: the histories of all others replay unchanged.
    const sinks = input.notify?.sinks ?? [];
    if (sinks.length && port.patched('notifications'))
      this.outbox.notifier = new Notifier({
        buildId: input.buildId,
        sinks,
        // A `br build continue` run's gate and end are new occurrences: they are sent again.
        runKey: this.startedAt.toString(36) + (input.carried?.continued ? `c${input.carried.continued}` : ''),
        now: () => port.now(),
        failed: (data, scope) => this.outbox.event('NOTIFY_FAILED', undefined, data, scope),
      });
    this.gate = new ApprovalGate(() => this.bump());
  }

  bump(): void {
    this.version += 1;
  }

  /** What the next run starts from (continue-as-new, or the carryOn query); `conflicts` as TaskBook's. */
  carryOver(book: TaskBook, conflicts = true): BuildCarryOver {
    const { paused, startedAt, generation } = this;
    const { continued, triesBefore } = this.input.carried ?? {};
    return book.carryOver(
      { ledger: this.budget.ledger, paused, startedAt, generation, continued, triesBefore },
      conflicts,
    );
  }
}
