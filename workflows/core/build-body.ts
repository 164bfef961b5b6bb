/**
 * The BuildWorkflow body, written only against the BuildPort: plan → validate → estimate → schedule
 * tasks (one task workflow each) under the parallel bound, file claims, pause, cancel and the budget
 * breaker → summary → features delivered. The parent keeps only compact per-task state and can
 * continue as new: finished tasks are carried over and never re-run.
 */
import Decimal from 'decimal.js';
import type {
  ComplexityEstimate,
  RecordTaskInput,
  TelemetryEventInput,
  TelemetryType,
} from '../../lib/contracts';
import { explainFailure, failedStep, type ExplainedFailure } from '../../lib/failure-hints';
import { isFailureClass } from '../../lib/failures';
import type { Plan } from '../../lib/plan';
import { isPositiveUsd, isUsd } from '../../lib/usd';
import { BudgetLedger } from './budget';
import {
  buildRecord,
  carryOver,
  deliveredFeatures,
  startingModel,
  taskRecord,
  taskWorkflowInput,
} from './build-records';
import {
  countStates,
  decideOutcome,
  levelOf,
  schedulable,
  snapshot,
  statusOf,
  summarize,
} from './build-report';
import { planPhase } from './plan-phase';
import type { BuildPort, ReservationGrant, TaskHandle } from './port';
import type { BudgetAlert, BuildStatus } from './progress';
import { ReservationQueue } from './reservations';
import { DagScheduler } from './scheduler';
import { telemetryEvent } from './telemetry';
import type { BuildResult, BuildWorkflowInput, CompactTaskState, TaskResult } from './types';

export const DEFAULT_BUDGET_WAIT_MS = 24 * 60 * 60 * 1000;
/** For a failure class the catalog does not know (a database or infrastructure error after planning). */
export const LATE_FAILURE_HINT =
  "The worker's log has the full error. Fix its cause (often the database or the worker's disk), then start the build again; `br build logs` shows what had finished.";
type Stop = 'CANCELLED' | 'BUDGET_EXHAUSTED';

export async function runBuild(port: BuildPort, input: BuildWorkflowInput): Promise<BuildResult> {
  return new BuildRun(port, input).execute();
}

class BuildRun {
  private status: BuildStatus = 'PLANNING';
  private paused: boolean;
  private cancelRequested = false;
  private stopped: Stop | undefined;
  private version = 0;
  private readonly ledger: BudgetLedger;
  private plan: Plan | undefined;
  private estimates: Record<string, ComplexityEstimate> = {};
  private scheduler: DagScheduler | undefined;
  private readonly tasks = new Map<string, CompactTaskState>();
  private readonly handles = new Map<string, TaskHandle>();
  private readonly reservations = new ReservationQueue();
  private events: TelemetryEventInput[] = [];
  private records: RecordTaskInput[] = [];
  private readonly alerts: BudgetAlert[] = [];
  private readonly startedAt: number;
  private readonly generation: number;
  private breakerSince: number | undefined;
  private failure: ExplainedFailure | undefined;
  /** What the body was doing when an activity or child failed after planning (for failLate). */
  private step = '';

  constructor(
    private readonly port: BuildPort,
    private readonly input: BuildWorkflowInput,
  ) {
    const c = input.carried;
    this.paused = c?.paused ?? false;
    this.startedAt = c?.startedAt ?? port.now();
    this.generation = c?.generation ?? 0;
    this.ledger = new BudgetLedger(c?.budgetUsd ?? input.budgetUsd, input.alertThresholds, c);
    const bump = () => void (this.version += 1);
    port.registerHandlers({
      pause: () => ((this.paused = true), bump()),
      resume: () => ((this.paused = false), this.ledger.resetQuota(), bump()),
      cancel: () => ((this.cancelRequested = true), bump()),
      raiseBudget: (usd) => {
        if (!isUsd(usd)) return;
        // A raise of 0 means nothing (lib/usd.ts); histories from before the rule took it as a no-op raise.
        if (!isPositiveUsd(usd) && port.patched('zero-raise-ignored')) return;
        this.ledger.raise(usd);
        bump();
      },
      requestReservation: (msg) => (this.reservations.push(msg), bump()),
      reportCost: (msg) => {
        const t = this.tasks.get(msg.taskId);
        if (t) t.costUsd = new Decimal(t.costUsd).plus(msg.usd).toString();
        this.book(this.ledger.reconcile(msg, port.now()));
        bump();
      },
      progress: () =>
        snapshot({
          buildId: input.buildId,
          status: this.status,
          paused: this.paused,
          plan: this.plan,
          estimates: this.estimates,
          tasks: this.tasks,
          ledger: this.ledger,
          startedAt: this.startedAt,
          now: port.now(),
          alerts: this.alerts,
          generation: this.generation,
          ...(this.failure ? { failure: this.failure } : {}),
        }),
    });
  }

  async execute(): Promise<BuildResult> {
    const { port, input } = this;
    const c = input.carried;
    if (c) {
      this.plan = c.plan;
      this.estimates = c.estimates;
    } else {
      const phase = await planPhase(port, input, (usd) => this.book(this.ledger.addSpent(usd, port.now())));
      if (!phase.ok) {
        this.plan = phase.plan;
        if (phase.failure) this.failure = explainFailure(phase.failure.code, phase.failure.message);
        return this.finish('FAILED', phase.problems);
      }
      this.plan = phase.plan;
      this.estimates = phase.estimates;
    }
    let outcome: BuildResult['outcome'];
    try {
      outcome = await this.runTasks();
    } catch (err) {
      return this.failLate(err);
    }
    // Outside the try: a failure to write the final records fails the workflow as before, instead of
    // turning a finished build into a FAILED one.
    return this.finish(outcome);
  }

  /**
   * Records the started build (first run only), then runs the tasks until none is left or a stop, and
   * returns the outcome (or continues as new).
   */
  private async runTasks(): Promise<BuildResult['outcome']> {
    const { port, input } = this;
    const c = input.carried;
    if (!c) {
      const planned = this.plan!;
      this.step = 'Recording the build';
      await port.activities.recordBuild(
        buildRecord(this.input, this.ledger, this.plan?.tasks.length ?? 0, this.startedAt, 'RUNNING'),
      );
      this.event('BUILD_STARTED', undefined, {
        tasks: planned.tasks.length,
        budgetUsd: input.budgetUsd,
        parallel: input.parallel,
      });
      for (const t of planned.tasks) this.event('COMPLEXITY_ESTIMATED', t.id, { ...this.estimates[t.id] });
    }
    const plan = this.plan!;
    for (const t of plan.tasks)
      this.tasks.set(t.id, c?.finished[t.id] ?? { state: 'PENDING', attempts: 0, costUsd: '0' });
    const carriedStates = Object.fromEntries(
      Object.entries(c?.finished ?? {}).map(([id, s]) => [id, s.state]),
    );
    const scheduler = new DagScheduler(schedulable(plan, this.estimates), carriedStates);
    this.scheduler = scheduler;
    this.syncBlocked();
    let draining = false;

    for (;;) {
      // Taken before any await: a signal or task end during this iteration wakes the wait below at once.
      const seen = this.version;
      await this.flush();
      const now = port.now();
      if (this.cancelRequested && !this.stopped) this.stop('CANCELLED');
      if (!this.stopped && this.ledger.breaker !== 'closed') {
        this.breakerSince ??= now;
        if (now - this.breakerSince >= (input.budgetWaitMs ?? DEFAULT_BUDGET_WAIT_MS))
          this.stop('BUDGET_EXHAUSTED');
      } else this.breakerSince = undefined;
      if (!this.stopped && !draining && port.shouldContinueAsNew()) draining = true;
      if (!this.stopped && !draining && !this.paused && this.ledger.breaker === 'closed')
        await this.startReady();
      if (scheduler.isFinished()) break;
      if (draining && scheduler.runningCount === 0 && !this.stopped) {
        await this.flush();
        return port.continueAsNew({
          ...input,
          carried: carryOver({
            plan,
            estimates: this.estimates,
            tasks: this.tasks,
            ledger: this.ledger,
            paused: this.paused,
            startedAt: this.startedAt,
            generation: this.generation,
          }),
        });
      }
      this.status = statusOf({
        stopped: !!this.stopped,
        draining,
        paused: this.paused,
        breakerOpen: this.ledger.breaker !== 'closed',
      });
      const wait =
        !this.stopped && this.breakerSince !== undefined
          ? this.breakerSince + (input.budgetWaitMs ?? DEFAULT_BUDGET_WAIT_MS) - now
          : undefined;
      await port.condition(() => this.version !== seen, wait);
    }
    const counts = countStates([...this.tasks.values()].map((t) => t.state));
    return decideOutcome(counts, this.stopped);
  }

  private async startReady(): Promise<void> {
    const scheduler = this.scheduler!;
    for (const id of scheduler.pickStartable(this.input.parallel)) {
      const task = this.plan!.tasks.find((t) => t.id === id)!;
      scheduler.start(id);
      const state = this.tasks.get(id)!;
      Object.assign(state, { state: 'RUNNING', startedAt: this.port.now() });
      const level = levelOf(this.estimates, this.plan!, id);
      // The starting model, so per-model metrics count the task where it began.
      this.event(
        'TASK_STARTED',
        id,
        { title: task.title, complexity: level },
        'TASK_STARTED',
        startingModel(this.input, level),
      );
      this.step = `Starting task ${id}`;
      const handle = await this.port.startTask(
        taskWorkflowInput(this.input, this.port.workflowId, task, level, this.estimates[id]),
      );
      this.handles.set(id, handle);
      if (this.stopped) handle.cancel();
      handle.result.then(
        (r) => this.taskEnded(id, r),
        (err: unknown) => {
          const d = this.port.describeError(err);
          this.taskEnded(id, {
            taskId: id,
            outcome: d.cancelled ? 'CANCELLED' : 'FAILED',
            attempts: state.attempts,
            costUsd: state.costUsd,
            error: d.message,
            ...(isFailureClass(d.type) ? { failureClass: d.type } : {}),
          });
        },
      );
    }
  }

  private taskEnded(id: string, r: TaskResult): void {
    this.handles.delete(id);
    this.ledger.releaseTask(id);
    const outcome = r.outcome === 'SUCCEEDED' || r.outcome === 'CANCELLED' ? r.outcome : 'FAILED';
    const state = this.tasks.get(id)!;
    Object.assign(state, {
      state: outcome,
      attempts: r.attempts,
      costUsd: r.costUsd,
      finishedAt: this.port.now(),
    });
    if (r.model) state.model = r.model;
    if (r.failureClass) state.failureClass = r.failureClass;
    if (r.error) state.error = r.error;
    if (r.mergeCommit) state.mergeCommit = r.mergeCommit;
    if (r.verification) state.verification = r.verification;
    this.records.push(taskRecord(this.input, this.plan!, this.estimates, id, this.tasks.get(id)!));
    this.scheduler!.finish(id, outcome);
    this.syncBlocked();
    this.version += 1;
  }

  /** Mirrors scheduler-side BLOCKED into the compact state, with a record and an event each. */
  private syncBlocked(): void {
    for (const [id, s] of this.scheduler!.states) {
      const t = this.tasks.get(id)!;
      if ((s === 'BLOCKED' || s === 'CANCELLED') && t.state === 'PENDING') {
        t.state = s;
        t.finishedAt = this.port.now();
        this.records.push(taskRecord(this.input, this.plan!, this.estimates, id, this.tasks.get(id)!));
        if (s === 'BLOCKED')
          this.event('TASK_BLOCKED', id, {
            dependsOn: this.plan!.tasks.find((x) => x.id === id)?.dependsOn ?? [],
          });
      }
    }
  }

  private stop(reason: Stop): void {
    this.stopped = reason;
    for (const h of this.handles.values()) h.cancel();
    this.scheduler!.abandonPending('CANCELLED');
    this.syncBlocked();
  }

  /** Answers held reservations, writes pending task records and events. */
  private async flush(): Promise<void> {
    await this.reservations.answer(
      this.ledger,
      () => !!this.stopped,
      (g) => this.grant(g),
    );
    const records = this.records.splice(0);
    this.step = 'Recording task results';
    if (records.length) await Promise.all(records.map((r) => this.port.activities.recordTask(r)));
    const events = this.events.splice(0);
    this.step = 'Writing build events';
    if (events.length) await this.port.activities.emitEvents(events);
  }

  /**
   * An activity or child start that failed past its retries after planning (the database refused a
   * record, a task workflow could not start): the build ends FAILED with that step, class and hint
   * recorded, instead of a workflow failure without a word. Running tasks are cancelled. A cancel or
   * an error of the workflow code itself (a bug, a determinism violation) stays the host's to handle;
   * when even the final record cannot be written, the workflow fails with the first error.
   */
  private async failLate(err: unknown): Promise<BuildResult> {
    const d = this.port.describeError(err);
    if (d.cancelled || d.internal) throw err;
    // Builds started before this path existed failed the workflow here: their histories replay that way.
    if (!this.port.patched('late-failure-ends-build')) throw err;
    // Stopped, so the flush in finish() grants nothing to the tasks being cancelled.
    this.stopped ??= 'CANCELLED';
    const explained = explainFailure(d.type, failedStep(this.step, d.type, d.message));
    const failure = { ...explained, hint: explained.hint ?? LATE_FAILURE_HINT };
    this.failure = failure;
    for (const h of this.handles.values()) h.cancel();
    for (const [id, t] of this.tasks)
      if (t.state === 'RUNNING') {
        Object.assign(t, { state: 'CANCELLED', finishedAt: this.port.now() });
        this.records.push(taskRecord(this.input, this.plan!, this.estimates, id, t));
      }
    this.scheduler?.abandonPending('CANCELLED');
    if (this.scheduler) this.syncBlocked();
    try {
      return await this.finish('FAILED', [failure.message]);
    } catch (again) {
      const a = this.port.describeError(again);
      throw a.cancelled || a.internal ? again : err;
    }
  }

  private async grant(g: ReservationGrant): Promise<void> {
    const t = this.tasks.get(g.taskId);
    if (g.granted && t) t.attempts = Math.max(t.attempts, g.attempt);
    if (!this.handles.has(g.taskId)) return;
    try {
      await this.port.sendGrant(g);
    } catch {
      // The task ended between its request and this answer; its result settles the books.
    }
  }

  private book(alerts: BudgetAlert[]): void {
    for (const a of alerts) {
      this.alerts.push(a);
      this.event(
        'BUDGET_ALERT',
        undefined,
        { threshold: a.threshold, spentUsd: a.spentUsd, budgetUsd: a.budgetUsd },
        `BUDGET_ALERT-${a.threshold}`,
      );
    }
  }

  private event(
    type: TelemetryType,
    taskId: string | undefined,
    data: Record<string, unknown>,
    scope: string = type,
    model?: string,
  ): void {
    const at = this.port.now();
    this.events.push(telemetryEvent({ type, buildId: this.input.buildId, taskId, model, at, scope, data }));
  }

  private async finish(outcome: BuildResult['outcome'], problems?: string[]): Promise<BuildResult> {
    const { port, input } = this;
    const summary = summarize({
      outcome,
      tasks: this.tasks,
      ledger: this.ledger,
      elapsedMs: port.now() - this.startedAt,
      generation: this.generation,
      ...(problems ? { problems } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
    });
    const type =
      outcome === 'CANCELLED'
        ? 'BUILD_CANCELLED'
        : outcome === 'FAILED' || outcome === 'BUDGET_EXHAUSTED'
          ? 'BUILD_FAILED'
          : 'BUILD_COMPLETED';
    this.event(type, undefined, {
      outcome,
      message: summary.message,
      spentUsd: summary.spentUsd,
      ...(this.failure ? { failureClass: this.failure.code } : {}),
      ...(this.failure?.hint ? { hint: this.failure.hint } : {}),
    });
    await port.activities.recordBuild(
      buildRecord(input, this.ledger, this.plan?.tasks.length ?? 0, this.startedAt, outcome, {
        finishedAt: port.now(),
        summary: { ...summary },
      }),
    );
    await this.flush();
    const delivered = deliveredFeatures(this.plan, this.tasks);
    if (delivered.length) await this.markFeatures(delivered);
    // Only now does progress show the outcome: `br build watch` returns when it does, and by then the
    // build's record, its last events and its features are written.
    this.status = outcome;
    return { buildId: input.buildId, outcome, summary };
  }

  /**
   * The build's outcome is already recorded: a hook that refuses the features.json commit is reported
   * (event with class and hint) instead of failing the finished build without a word.
   */
  private async markFeatures(featureIds: string[]): Promise<void> {
    const { port, input } = this;
    try {
      await port.activities.markFeaturesDelivered({
        repoPath: input.repoPath,
        ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
        buildBranch: input.buildBranch,
        featureIds,
        buildId: input.buildId,
      });
    } catch (err) {
      const d = port.describeError(err);
      if (d.cancelled) throw err;
      const f = explainFailure(d.type, failedStep('Marking features delivered', d.type, d.message));
      this.event('HOOK_REJECTED', undefined, {
        featureIds,
        failureClass: f.code,
        message: f.message,
        ...(f.hint ? { hint: f.hint } : {}),
      });
      await this.flush();
    }
  }
}
