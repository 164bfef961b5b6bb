/**
 * The BuildWorkflow body, written only against the BuildPort: plan → validate → estimate → schedule
 * tasks (one task workflow each) under the parallel bound, file claims, pause, cancel and the budget
 * breaker → summary → features delivered. The parent keeps only compact per-task state and can
 * continue as new: finished tasks are carried over and never re-run.
 */
import { explainFailure } from '../../lib/failure-hints';
import type { Plan } from '../../lib/plan';
import { awaitPlanApproval } from './approval';
import { finishBuild, lateFailure, type EndingBuild } from './build-end';
import { deliver } from './delivery';
import { buildHandlers } from './build-handlers';
import { notifyGate } from './build-notify';
import { statusOf } from './build-report';
import { recordStart } from './build-start';
import { BuildState, type Stop } from './build-state';
import { answerReservations, startReady } from './build-tasks';
import { planPhase } from './plan-phase';
import type { BuildPort } from './port';
import { domainError, unlabel } from './step';
import { TaskBook, tasksOf } from './task-book';
import type { BuildResult, BuildWorkflowInput } from './types';

/** Awaits the task starts and the records written beside them; the starts' failure comes first. */
async function settleBoth(starting: Promise<void> | undefined, flushing: Promise<void>): Promise<void> {
  const [started, flushed] = await Promise.allSettled([starting, flushing]);
  if (started.status === 'rejected') throw started.reason;
  if (flushed.status === 'rejected') throw flushed.reason;
}

export function runBuild(port: BuildPort, input: BuildWorkflowInput): Promise<BuildResult> {
  // A step's label is for the late-failure message only: the failure itself is what leaves the body.
  return new BuildRun(port, input).execute().catch((err: unknown) => {
    throw unlabel(err).error;
  });
}

class BuildRun {
  private readonly state: BuildState;

  constructor(
    private readonly port: BuildPort,
    private readonly input: BuildWorkflowInput,
  ) {
    this.state = new BuildState(port, input);
    port.registerHandlers(buildHandlers(port, input, this.state));
  }

  async execute(): Promise<BuildResult> {
    const { port, input, state } = this;
    if (input.carried) {
      state.plan = input.carried.plan;
      state.estimates = input.carried.estimates;
    } else {
      const phase = await planPhase(port, input, (usd) => state.budget.spent(usd, port.now()));
      state.plan = phase.plan;
      if (!phase.ok) {
        if (phase.failure) state.failure = explainFailure(phase.failure.code, phase.failure.message);
        return this.finish('FAILED', phase.problems);
      }
      state.estimates = phase.estimates;
      notifyGate(state.outbox.notifier, port, input, phase.plan, 'plan', phase.estimates);
      const refused = await awaitPlanApproval({
        ...{ port, settings: input.approval, gate: state.gate, plan: phase.plan },
        setStatus: (status) => void (state.status = status),
        cancelRequested: () => state.cancelRequested,
      });
      if (refused) return this.finish('CANCELLED', [refused]);
    }
    let outcome: BuildResult['outcome'];
    try {
      outcome = await this.runTasks(state.plan!);
    } catch (err) {
      return this.failLate(err);
    }
    if (outcome === 'SUCCEEDED') {
      const stopped = await deliver({
        ...{ port, input, gate: state.gate, plan: state.plan! },
        setStatus: (status) => void (state.status = status),
        cancelRequested: () => state.cancelRequested,
        show: (d) => void (state.delivery = d),
        requested: () => notifyGate(state.outbox.notifier, port, input, state.plan!, 'delivery'),
        done: () => ({
          tasks: tasksOf(state.book),
          ...{ spentUsd: state.budget.ledger.spentUsd, budgetUsd: state.budget.ledger.limitUsd },
          elapsedMs: port.now() - state.startedAt,
        }),
      });
      if (stopped?.failure) state.failure = stopped.failure;
      if (stopped) return this.finish(stopped.outcome, [stopped.problem]);
    }
    // Outside the try: a failure to write the final records fails the workflow, instead of turning a
    // finished build into a FAILED one.
    return this.finish(outcome);
  }

  /**
   * Records the started build (first run only), then runs the tasks until none is left or a stop, and
   * returns the outcome (or continues as new).
   */
  private async runTasks(plan: Plan): Promise<BuildResult['outcome']> {
    const { port, input, state } = this;
    const { outbox, budget } = state;
    // No other task or chain is live before the first records: this step may take its own promise hop.
    if (!input.carried) await recordStart(this.recordView(), plan, state.estimates);
    const book = new TaskBook(input, plan, state.estimates, outbox, () => port.now());
    state.book = book;
    let draining = false;
    // Issue 31: tasks start together with their first grant and without waiting for the records, which
    // are written beside the starts. Histories from before replay the old order.
    const lean = port.patched('lean-task-protocol');
    const mayStart = () => !state.stopped && !draining && !state.paused && budget.breakerClosed;
    // Issue 31: the tasks a task's end makes ready start in the workflow task that sees the end, not when
    // the loop comes round (it may be awaiting a record or another start). Older histories replay without.
    if (lean && port.patched('start-on-task-end'))
      state.afterTaskEnd = () => {
        if (!mayStart() || state.cancelRequested || port.shouldContinueAsNew()) return;
        startReady(port, input, state, book, true).catch((err: unknown) => {
          state.startFailure ??= err;
          state.bump();
        });
      };

    for (;;) {
      // Taken before any await: a signal or task end during this iteration wakes the wait below at once.
      const seen = state.version;
      if (state.startFailure !== undefined) throw state.startFailure as Error;
      await answerReservations(port, state);
      if (!lean) await outbox.flush(port);
      const now = port.now();
      if (state.cancelRequested && !state.stopped) this.stop('CANCELLED');
      if (budget.waitedOut(now, !!state.stopped)) this.stop('BUDGET_EXHAUSTED');
      if (!state.stopped && !draining && port.shouldContinueAsNew()) draining = true;
      const starting = mayStart() ? startReady(port, input, state, book, lean) : undefined;
      if (lean) await settleBoth(starting, outbox.flush(port));
      else if (starting) await starting;
      if (book.isFinished) break;
      if (draining && book.runningCount === 0 && !state.stopped) {
        await answerReservations(port, state);
        await outbox.flush(port);
        if (outbox.notifier) await this.drainNotifications();
        // Hot files and learned claims go on into the next run (issue 36); older histories lost them.
        const conflicts = port.patched('conflict-state-carried');
        return port.continueAsNew({ ...input, carried: state.carryOver(book, conflicts) });
      }
      state.status = statusOf({
        stopped: !!state.stopped,
        draining,
        paused: state.paused,
        breakerOpen: !budget.breakerClosed,
      });
      await port.condition(() => state.version !== seen, budget.waitLeft(now, !!state.stopped));
    }
    return book.outcome(state.stopped);
  }

  private stop(reason: Stop): void {
    this.state.stopped = reason;
    this.state.book!.cancelAll();
    this.state.book!.abandonPending();
  }

  /**
   * A step that failed past its retries after planning (a record refused, a task that could not start)
   * ends the build FAILED, running tasks cancelled, with step, class and hint on record, instead of a
   * workflow failure without a word. When even that cannot be written, the first error fails the workflow.
   */
  private async failLate(err: unknown): Promise<BuildResult> {
    const { state } = this;
    const { step, error } = unlabel(err);
    const failure = lateFailure(this.port, step, error);
    // Stopped, so the flush in finish() grants nothing to the tasks being cancelled.
    state.stopped ??= 'CANCELLED';
    state.failure = failure;
    state.book?.cancelAll();
    state.book?.cancelRunning();
    try {
      return await this.finish('FAILED', [failure.message]);
    } catch (again) {
      domainError(this.port, unlabel(again).error);
      throw error;
    }
  }

  private async finish(outcome: BuildResult['outcome'], problems?: string[]): Promise<BuildResult> {
    const result = await finishBuild(this.ending(), outcome, problems);
    // Guarded: a build without sinks takes no extra promise hop here, as its history replays.
    if (this.state.outbox.notifier) await this.drainNotifications();
    // Only now does progress show the outcome: `br build watch` returns when it does, and by then the
    // build's record, its last events and its features are written.
    this.state.status = outcome;
    return result;
  }

  /** Waits (bounded by the sinks' timeouts) for deliveries still out, then writes what failed. */
  private async drainNotifications(): Promise<void> {
    const { port, state } = this;
    await state.outbox.notifier!.drain(port);
    await answerReservations(port, state);
    await state.outbox.flush(port);
  }

  private recordView() {
    const { port, input } = this;
    const { outbox, startedAt, budget } = this.state;
    return { port, input, ledger: budget.ledger, outbox, startedAt };
  }

  private ending(): EndingBuild {
    const { port, state } = this;
    const { plan, book, generation, failure, delivery } = state;
    const answer = () => answerReservations(port, state);
    return {
      ...this.recordView(),
      ...{ plan, book, generation, failure, delivery },
      answerReservations: answer,
    };
  }
}
