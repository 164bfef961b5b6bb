/**
 * The build's tasks: the compact state of each (for progress, records and carry-over) kept in step with
 * the scheduler's. Every task that settles here is recorded, and every task a failure blocks gets a
 * TASK_BLOCKED event, through the outbox.
 */
import type { BuildOutcome, ComplexityEstimate } from '../../lib/contracts';
import type { Complexity, Plan, PlannedTask } from '../../lib/plan';
import Decimal from 'decimal.js';
import { carryOver, taskRecord } from './build-records';
import { countStates, decideOutcome, levelOf, schedulable } from './build-report';
import { ConflictGate, ResolutionTally } from './conflict-gate';
import { ConflictOverlap } from './conflict-overlap';
import type { Outbox } from './outbox';
import { claimsConflict, DagScheduler, normalizeClaim } from './scheduler';
import type { CostReport, ReservationGrant, ReservationRequest, TaskHandle } from './port';
import type { BuildCarryOver, BuildWorkflowInput, CompactTaskState, TaskResult } from './types';

export class TaskBook {
  readonly tasks = new Map<string, CompactTaskState>();
  private readonly scheduler: DagScheduler;
  /** The running tasks' workflows. */
  private readonly handles = new Map<string, TaskHandle>();
  /** The attempt each task is running now: granted, its cost not reported yet. */
  private readonly active = new Map<string, number>();
  /** When each task's latest attempt was granted. */
  private readonly grantedAt = new Map<string, number>();
  /** Redos after a failed resolution run alone (conflict-gate.ts); undefined until the first one asks. */
  private gate?: ConflictGate | null;
  /** Resolutions the tasks reported, by file: the gate makes a file hot when they mostly fail. */
  private readonly resolutions: ResolutionTally;
  /** Redos beside older attempts, resolutions waiting for them; undefined until a task asks to resolve. */
  overlap?: ConflictOverlap;

  constructor(
    private readonly input: BuildWorkflowInput,
    readonly plan: Plan,
    readonly estimates: Record<string, ComplexityEstimate>,
    private readonly outbox: Outbox,
    private readonly now: () => number,
  ) {
    const finished = input.carried?.finished ?? {};
    for (const t of plan.tasks)
      this.tasks.set(t.id, finished[t.id] ?? { state: 'PENDING', attempts: 0, costUsd: '0' });
    const carriedStates = Object.fromEntries(Object.entries(finished).map(([id, s]) => [id, s.state]));
    this.scheduler = new DagScheduler(schedulable(plan, estimates), carriedStates);
    // A continued run goes on from what the build learned from conflicts (issue 36).
    const conflicts = input.carried?.conflicts;
    this.resolutions = new ResolutionTally(conflicts?.resolutions);
    if (conflicts)
      this.gate = new ConflictGate(conflicts.resolutions ? this.resolutions : undefined, conflicts.learned);
    this.syncBlocked();
  }

  get isFinished(): boolean {
    return this.scheduler.isFinished();
  }

  get runningCount(): number {
    return this.scheduler.runningCount;
  }

  pickStartable(parallel: number): string[] {
    return this.scheduler.pickStartable(parallel);
  }

  /** A task's share of a cost report, so progress shows it while the task runs; its attempt has ended. */
  costReported(report: CostReport): void {
    const task = this.tasks.get(report.taskId);
    if (task) task.costUsd = new Decimal(task.costUsd).plus(report.usd).toString();
    if (report.resolution) this.resolutions.add(report.resolution);
    if (this.active.get(report.taskId) === report.attempt) {
      this.active.delete(report.taskId);
      this.gate?.ended(report.taskId);
      this.overlap?.ended(report.taskId);
    }
  }

  /**
   * What the next run starts from after continue-as-new (running tasks were drained first); with
   * `conflicts`, what the build learned from merge conflicts too.
   */
  carryOver(
    run: Omit<Parameters<typeof carryOver>[0], 'plan' | 'estimates' | 'tasks'>,
    conflicts: boolean,
  ): BuildCarryOver {
    const carried = carryOver({ plan: this.plan, estimates: this.estimates, tasks: this.tasks, ...run });
    return conflicts && this.gate ? { ...carried, conflicts: this.gate.carry() } : carried;
  }

  /** Marks `id` running; returns its planned task and complexity level. */
  start(id: string): { task: PlannedTask; level: Complexity; state: CompactTaskState } {
    const task = this.plan.tasks.find((t) => t.id === id)!;
    this.scheduler.start(id);
    const state = this.tasks.get(id)!;
    Object.assign(state, { state: 'RUNNING', startedAt: this.now() });
    return { task, level: levelOf(this.estimates, this.plan, id), state };
  }

  /** A started task's workflow; cancelled at once when the build stopped while it was starting. */
  track(handle: TaskHandle, stopped: boolean): void {
    this.handles.set(handle.taskId, handle);
    if (stopped) handle.cancel();
  }

  /** Cancels every running task (each still cleans up and reports). */
  cancelAll(): void {
    for (const h of this.handles.values()) h.cancel();
  }

  /** Books a granted attempt; false when the task no longer runs, so nobody waits for the answer. */
  granted(g: ReservationGrant): boolean {
    const task = this.tasks.get(g.taskId);
    if (g.granted && task) task.attempts = Math.max(task.attempts, g.attempt);
    if (g.granted && this.handles.has(g.taskId)) this.active.set(g.taskId, g.attempt);
    if (g.granted) this.grantedAt.set(g.taskId, this.now());
    if (g.granted) this.gate?.granted(g.taskId);
    else this.gate?.ended(g.taskId);
    return this.handles.has(g.taskId);
  }

  /** A task asks leave to resolve (conflict-overlap.ts); `overlap` is asked once, at the first request. */
  askToResolve(request: ReservationRequest, overlap: () => boolean): void {
    this.overlap ??= new ConflictOverlap(overlap());
    this.overlap.ask(request);
  }

  /** The leave to resolve that may be given now: none while a redo runs alone. */
  resolutionsAllowed(): ReservationGrant[] {
    return this.overlap?.answer(!!this.gate?.redoRunning) ?? [];
  }

  /** Files a task learned it touches (a merge conflict): no task claiming them starts beside it. */
  learnClaims(request: ReservationRequest): string[] {
    return request.claims?.length ? this.scheduler.learnClaims(request.taskId, request.claims) : [];
  }

  /**
   * Whether an attempt may run now. One that claims files (learned from a conflict its resolution
   * could not settle) runs alone, and every attempt after it too (conflict-gate.ts); `aloneAfterConflict`
   * is asked once, at the first such request, and false keeps the older rule: such an attempt waits only
   * while another task's running attempt claims one of its files.
   */
  mayRun(
    request: ReservationRequest,
    aloneAfterConflict: () => boolean = () => true,
    /** Asked with it: false makes a file hot at its first failed resolution, as before tallies. */
    hotWhenMostlyFailing: () => boolean = () => true,
  ): boolean {
    if (request.claims?.length && this.gate === undefined)
      this.gate = aloneAfterConflict()
        ? new ConflictGate(hotWhenMostlyFailing() ? this.resolutions : undefined)
        : null;
    // A redo waits only for the attempts that could land a change under it (conflict-overlap.ts).
    const active =
      request.claims?.length && this.overlap?.besideOlder
        ? this.overlap.blockers(this.active.keys(), request.taskId, this.grantedAt)
        : this.active.keys();
    if (this.gate) return this.gate.mayRun(request, active);
    const mine = (request.claims ?? []).map(normalizeClaim);
    if (!mine.length) return true;
    for (const id of this.active.keys()) {
      if (id === request.taskId) continue;
      if (this.scheduler.claimsOf(id).some((c) => mine.some((m) => claimsConflict(c, m)))) return false;
    }
    return true;
  }

  /**
   * Whether a task starting now may have its first attempt granted in its input (the lean protocol):
   * not while a redo waits or runs alone, nor beside another attempt while a file is hot. When it may,
   * the attempt counts as running at once, so the next start in the same round sees it.
   */
  grantAtStart(id: string): boolean {
    if (!this.gate) return true;
    if (!this.gate.mayRun({ taskId: id, attempt: 1, usd: '0' }, this.active.keys())) return false;
    this.active.set(id, 1);
    return true;
  }

  /** Settles a task with its result; its dependents may now be ready, or blocked. */
  end(id: string, result: TaskResult): void {
    this.handles.delete(id);
    this.active.delete(id);
    this.gate?.ended(id);
    this.overlap?.ended(id);
    const outcome =
      result.outcome === 'SUCCEEDED' || result.outcome === 'CANCELLED' ? result.outcome : 'FAILED';
    const state = this.tasks.get(id)!;
    Object.assign(state, {
      state: outcome,
      attempts: result.attempts,
      costUsd: result.costUsd,
      finishedAt: this.now(),
    });
    if (result.model) state.model = result.model;
    if (result.failureClass) state.failureClass = result.failureClass;
    if (result.error) state.error = result.error;
    if (result.mergeCommit) state.mergeCommit = result.mergeCommit;
    if (result.verification) state.verification = result.verification;
    this.record(id, state);
    this.scheduler.finish(id, outcome);
    this.syncBlocked();
  }

  /** The build stops: no pending task will start. */
  abandonPending(): void {
    this.scheduler.abandonPending('CANCELLED');
    this.syncBlocked();
  }

  /** The build failed late: running tasks count as cancelled (their handles were cancelled), and no more start. */
  cancelRunning(): void {
    for (const [id, t] of this.tasks)
      if (t.state === 'RUNNING') {
        Object.assign(t, { state: 'CANCELLED', finishedAt: this.now() });
        this.record(id, t);
      }
    this.abandonPending();
  }

  outcome(stopped: 'CANCELLED' | 'BUDGET_EXHAUSTED' | undefined): BuildOutcome {
    return decideOutcome(countStates([...this.tasks.values()].map((t) => t.state)), stopped);
  }

  /** Mirrors scheduler-side BLOCKED (and CANCELLED) into the compact state, with a record and an event each. */
  private syncBlocked(): void {
    for (const [id, s] of this.scheduler.states) {
      const t = this.tasks.get(id)!;
      if ((s === 'BLOCKED' || s === 'CANCELLED') && t.state === 'PENDING') {
        t.state = s;
        t.finishedAt = this.now();
        this.record(id, t);
        if (s === 'BLOCKED')
          this.outbox.event('TASK_BLOCKED', id, {
            dependsOn: this.plan.tasks.find((x) => x.id === id)?.dependsOn ?? [],
          });
      }
    }
  }

  private record(id: string, t: CompactTaskState): void {
    this.outbox.record(taskRecord(this.input, this.plan, this.estimates, id, t));
  }
}

/** The tasks of a build, none before its tasks are booked. */
export function tasksOf(book: TaskBook | undefined): Map<string, CompactTaskState> {
  return book?.tasks ?? new Map<string, CompactTaskState>();
}
