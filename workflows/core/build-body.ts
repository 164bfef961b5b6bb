/**
 * The BuildWorkflow body, written only against the BuildPort: plan → validate → estimate → schedule
 * tasks (one task workflow each) under the parallel bound, file claims, pause, cancel and the budget
 * breaker → summary → features delivered. The parent keeps only compact per-task state and can
 * continue as new: finished tasks are carried over and never re-run.
 */
import type { ComplexityEstimate } from '../../lib/contracts';
import { explainFailure, type ExplainedFailure } from '../../lib/failure-hints';
import type { Plan } from '../../lib/plan';
import { BuildBudget } from './build-budget';
import { finishBuild, lateFailure, type EndingBuild } from './build-end';
import { carryOn, startingModel, taskWorkflowInput } from './build-records';
import { recordStart } from './build-start';
import { snapshot, statusOf } from './build-report';
import { Outbox } from './outbox';
import { isPositiveUsd, isUsd } from '../../lib/usd';
import { ApprovalGate, awaitPlanApproval } from './approval';
import { planPhase } from './plan-phase';
import type { BuildPort, ReservationGrant, ReservationRequest, TaskHandle } from './port';
import type { BuildStatus } from './progress';
import { domainError, FailedStep, unlabel } from './step';
import { TaskBook, tasksOf } from './task-book';
import type { BuildResult, BuildWorkflowInput, TaskResult } from './types';

type Stop = 'CANCELLED' | 'BUDGET_EXHAUSTED';

export function runBuild(port: BuildPort, input: BuildWorkflowInput): Promise<BuildResult> {
  // A step's label is for the late-failure message only: the failure itself is what leaves the body.
  return new BuildRun(port, input).execute().catch((err: unknown) => {
    throw unlabel(err).error;
  });
}

class BuildRun {
  private status: BuildStatus = 'PLANNING';
  private paused: boolean;
  private cancelRequested = false;
  private stopped: Stop | undefined;
  /** Bumped by every signal and task end: the loop's wait wakes on it. */
  private version = 0;
  private readonly budget: BuildBudget;
  private plan: Plan | undefined;
  private estimates: Record<string, ComplexityEstimate> = {};
  private book: TaskBook | undefined;
  private readonly outbox: Outbox;
  private readonly startedAt: number;
  private readonly generation: number;
  private failure: ExplainedFailure | undefined;
  private readonly gate: ApprovalGate;

  constructor(
    private readonly port: BuildPort,
    private readonly input: BuildWorkflowInput,
  ) {
    this.paused = input.carried?.paused ?? false;
    this.startedAt = input.carried?.startedAt ?? port.now();
    this.generation = input.carried?.generation ?? 0;
    this.outbox = new Outbox(input.buildId, () => port.now());
    this.budget = BuildBudget.of(input, this.outbox);
    const ledger = this.budget.ledger;
    const bump = () => void (this.version += 1);
    this.gate = new ApprovalGate(bump);
    port.registerHandlers({
      pause: () => ((this.paused = true), bump()),
      resume: () => ((this.paused = false), ledger.resetQuota(), bump()),
      cancel: () => ((this.cancelRequested = true), bump()),
      raiseBudget: (usd) => {
        if (!isUsd(usd)) return;
        // A raise of 0 means nothing (lib/usd.ts); histories from before the rule took it as a no-op raise.
        if (!isPositiveUsd(usd) && port.patched('zero-raise-ignored')) return;
        ledger.raise(usd);
        bump();
      },
      requestReservation: (msg) => (this.book?.learnClaims(msg), this.budget.hold(msg), bump()),
      reportCost: (msg) => {
        this.book?.costReported(msg);
        this.budget.reconcile(msg, port.now());
        bump();
      },
      progress: () =>
        snapshot({
          buildId: input.buildId,
          status: this.status,
          paused: this.paused,
          plan: this.plan,
          estimates: this.estimates,
          tasks: tasksOf(this.book),
          ledger,
          startedAt: this.startedAt,
          now: port.now(),
          alerts: this.budget.alerts,
          generation: this.generation,
          ...(this.failure ? { failure: this.failure } : {}),
          approval: this.gate.progress(),
        }),
      approval: this.gate,
      carryOn: () =>
        this.book
          ? carryOn(
              input,
              this.book.carryOver({
                ledger,
                paused: this.paused,
                startedAt: this.startedAt,
                generation: this.generation,
              }),
            )
          : null,
    });
  }

  async execute(): Promise<BuildResult> {
    const { port, input } = this;
    if (input.carried) {
      this.plan = input.carried.plan;
      this.estimates = input.carried.estimates;
    } else {
      const phase = await planPhase(port, input, (usd) => this.budget.spent(usd, port.now()));
      this.plan = phase.plan;
      if (!phase.ok) {
        if (phase.failure) this.failure = explainFailure(phase.failure.code, phase.failure.message);
        return this.finish('FAILED', phase.problems);
      }
      this.estimates = phase.estimates;
      const refused = await awaitPlanApproval({
        ...{ port, settings: input.approval, gate: this.gate, plan: phase.plan },
        setStatus: (s) => void (this.status = s),
        cancelRequested: () => this.cancelRequested,
      });
      if (refused) return this.finish('CANCELLED', [refused]);
    }
    let outcome: BuildResult['outcome'];
    try {
      outcome = await this.runTasks(this.plan!);
    } catch (err) {
      return this.failLate(err);
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
    const { port, input, outbox } = this;
    // No other task or chain is live before the first records: this step may take its own promise hop.
    if (!input.carried) await recordStart(this.recordView(), plan, this.estimates);
    const book = new TaskBook(input, plan, this.estimates, outbox, () => port.now());
    this.book = book;
    let draining = false;

    for (;;) {
      // Taken before any await: a signal or task end during this iteration wakes the wait below at once.
      const seen = this.version;
      await this.answerReservations();
      await outbox.flush(port);
      const now = port.now();
      if (this.cancelRequested && !this.stopped) this.stop('CANCELLED');
      if (this.budget.waitedOut(now, !!this.stopped)) this.stop('BUDGET_EXHAUSTED');
      if (!this.stopped && !draining && port.shouldContinueAsNew()) draining = true;
      if (!this.stopped && !draining && !this.paused && this.budget.breakerClosed)
        await this.startReady(book);
      if (book.isFinished) break;
      if (draining && book.runningCount === 0 && !this.stopped) {
        await this.answerReservations();
        await outbox.flush(port);
        const { paused, startedAt, generation } = this;
        const carried = book.carryOver({ ledger: this.budget.ledger, paused, startedAt, generation });
        return port.continueAsNew({ ...input, carried });
      }
      this.status = statusOf({
        stopped: !!this.stopped,
        draining,
        paused: this.paused,
        breakerOpen: !this.budget.breakerClosed,
      });
      await port.condition(() => this.version !== seen, this.budget.waitLeft(now, !!this.stopped));
    }
    return book.outcome(this.stopped);
  }

  private async startReady(book: TaskBook): Promise<void> {
    const { port, input } = this;
    for (const id of book.pickStartable(input.parallel)) {
      const { task, level } = book.start(id);
      // The starting model, so per-model metrics count the task where it began.
      const model = startingModel(input, level);
      const data = { title: task.title, complexity: level };
      this.outbox.event('TASK_STARTED', id, data, 'TASK_STARTED', model);
      let handle: TaskHandle;
      try {
        handle = await port.startTask(
          taskWorkflowInput(input, port.workflowId, task, level, this.estimates[id]),
        );
      } catch (err) {
        throw new FailedStep(`Starting task ${id}`, err);
      }
      book.track(handle, !!this.stopped);
      handle.result.then(
        (result) => this.taskEnded(id, result),
        (err: unknown) => this.taskEnded(id, book.resultOfError(id, port.describeError(err))),
      );
    }
  }

  private taskEnded(id: string, result: TaskResult): void {
    this.budget.ledger.releaseTask(id);
    this.book!.end(id, result);
    this.version += 1;
  }

  private stop(reason: Stop): void {
    this.stopped = reason;
    this.book!.cancelAll();
    this.book!.abandonPending();
  }

  /**
   * A step that failed past its retries after planning (a record refused, a task that could not start)
   * ends the build FAILED, running tasks cancelled, with step, class and hint on record, instead of a
   * workflow failure without a word. When even that cannot be written, the first error fails the workflow.
   */
  private async failLate(err: unknown): Promise<BuildResult> {
    const { step, error } = unlabel(err);
    const failure = lateFailure(this.port, step, error);
    // Stopped, so the flush in finish() grants nothing to the tasks being cancelled.
    this.stopped ??= 'CANCELLED';
    this.failure = failure;
    this.book?.cancelAll();
    this.book?.cancelRunning();
    try {
      return await this.finish('FAILED', [failure.message]);
    } catch (again) {
      domainError(this.port, unlabel(again).error);
      throw error;
    }
  }

  private async finish(outcome: BuildResult['outcome'], problems?: string[]): Promise<BuildResult> {
    const result = await finishBuild(this.ending(), outcome, problems);
    // Only now does progress show the outcome: `br build watch` returns when it does, and by then the
    // build's record, its last events and its features are written.
    this.status = outcome;
    return result;
  }

  private recordView() {
    const { port, input, outbox, startedAt } = this;
    return { port, input, ledger: this.budget.ledger, outbox, startedAt };
  }

  private ending(): EndingBuild {
    const { plan, book, generation, failure } = this;
    const answerReservations = () => this.answerReservations();
    return { ...this.recordView(), plan, book, generation, failure, answerReservations };
  }

  private answerReservations(): Promise<void> {
    const mayRun = (r: ReservationRequest) => this.book?.mayRun(r) ?? true;
    return this.budget.answer(
      () => !!this.stopped,
      (g) => this.grant(g),
      mayRun,
    );
  }

  private async grant(g: ReservationGrant): Promise<void> {
    if (!this.book?.granted(g)) return;
    try {
      await this.port.sendGrant(g);
    } catch {
      // The task ended between its request and this answer; its result settles the books.
    }
  }
}
