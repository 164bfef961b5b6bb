/**
 * The runtime port: everything the build and task bodies (build-body.ts, task-body.ts) need from their
 * host, and nothing more. Two hosts implement it: the Temporal workflows (workflows/temporal-port.ts, wired to
 * @temporalio/workflow) and the in-process virtual-clock simulation (workflows/simulation). The bodies never
 * import a host, so the same decision code runs on both.
 *
 * Wiring contract for a host:
 * - Call `runBuild(port, input)` / `runTask(port, input)` as the whole workflow function.
 * - The body calls `registerHandlers` synchronously, before its first await; the host binds each
 *   handler to a signal (or update) and `progress` to a query. Messages that arrive before that are
 *   buffered by the host (Temporal does this on its own).
 * - Budget messages are plain data: task → build `requestReservation` / `reportCost`, build → task
 *   `grant`. On Temporal they are child → parent signals (to `TaskWorkflowInput.buildWorkflowId`,
 *   the workflow id, so they reach the latest run after continue-as-new) and parent → child signals.
 */
import type { ApprovalGate } from './approval';
import type { BuildActivities } from '../../lib/contracts';
import type { FailureDetails } from '../../lib/failures';
import type { ProgressSnapshot } from './progress';
import type { BuildCarryOver, BuildWorkflowInput, TaskResult, TaskWorkflowInput } from './types';

/** Time, waiting and activities: what both bodies share. */
export interface RuntimePort {
  /** Epoch ms from the host clock (workflow time on Temporal, virtual time in simulation). */
  now(): number;
  /** A durable timer. Rejects with the host's cancellation error when the workflow is cancelled. */
  sleep(ms: number): Promise<void>;
  /**
   * Resolves true once `fn()` is true (re-checked after every state change), or false after
   * `timeoutMs`. Rejects with the host's cancellation error when the workflow is cancelled.
   */
  condition(fn: () => boolean, timeoutMs?: number): Promise<boolean>;
  /**
   * The activities, typed by the shared contract. A failed activity rejects with an error that
   * `describeError` can classify. Retry policy: the host must not retry Claude activities
   * (runAgent, planBuild with claude, estimateComplexity with ai): fallback.ts is the one retry layer.
   */
  activities: BuildActivities;
  /** Maps any error thrown by an activity, child or timer to its failure type and details. */
  describeError(err: unknown): DescribedError;
  /**
   * Runs `fn` so that cancelling the workflow does not cancel it (Temporal: CancellationScope.nonCancellable).
   * Used for cleanup and records after a cancel.
   */
  nonCancellable<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Versioning (Temporal: `patched`): true when this execution runs with the change named `id`, false
   * when it is replaying a history made before it. A body gates any new command on an existing path
   * with it, so builds started by older code keep replaying.
   */
  patched(id: string): boolean;
}

export interface DescribedError {
  /** The ApplicationFailure type (a FailureClass for domain failures); undefined for unknown errors. */
  type?: string;
  message: string;
  details?: FailureDetails;
  /** True when the error is the host's cancellation (the workflow or this scope was cancelled). */
  cancelled: boolean;
  /**
   * True when the error did not come from an activity, child or timer but from the workflow code or
   * the host itself (a bug, a determinism violation): the body must let it through, so the host can
   * retry the workflow task once the code is fixed.
   */
  internal?: boolean;
}

/** A started task workflow (a child workflow on Temporal). */
export interface TaskHandle {
  taskId: string;
  /**
   * Resolves with the task body's result (including outcome CANCELLED after a cancel). Rejects only
   * when the child itself failed or was terminated; the build then treats the task as FAILED.
   */
  result: Promise<TaskResult>;
  /** Requests cancellation; the task's cleanup still runs and its result then says CANCELLED. */
  cancel(): void;
}

// ---- budget messages --------------------------------------------------------------------------

/** Task → build, before every try: reserve this estimate. */
export interface ReservationRequest {
  taskId: string;
  attempt: number;
  usd: string;
  /**
   * Files this attempt claims beyond the plan's: learned from a merge conflict of an earlier attempt.
   * The build grants the attempt only while no other running attempt claims one of them.
   */
  claims?: string[];
  /**
   * Not a reservation: asks leave to resolve a merge conflict of this attempt on these files. The build
   * answers (a grant with `resolve`) once no redo runs alone, so a resolution never lands under one.
   */
  resolve?: string[];
}

/**
 * Build → task, the answer to a ReservationRequest. The build may hold the answer while its breaker
 * is tripped (waiting for raiseBudget or resume). `granted: false` means stop: the build is
 * cancelling or gave up waiting for budget; the task then ends CANCELLED without running.
 */
export interface ReservationGrant {
  taskId: string;
  attempt: number;
  granted: boolean;
  /** The amount granted (≤ the request when the build grants what is left); the agent's spending cap. */
  usd?: string;
  /** The answer to a request with `resolve`: the attempt may resolve its conflict now. */
  resolve?: true;
}

/** Task → build, after every try (also a failed or cancelled one): the cost it actually spent. */
export interface CostReport {
  taskId: string;
  attempt: number;
  usd: string;
  /** The try failed QUOTA_EXHAUSTED: the build trips its breaker for everyone. */
  quotaExhausted?: boolean;
  /** The try's merge conflicted and was sent to resolution: the files, and whether it was resolved. */
  resolution?: { files: string[]; resolved: boolean };
}

// ---- the build side -----------------------------------------------------------------------------

/** Signal and query handlers the build body hands to its host. */
export interface BuildHandlers {
  /** No new task starts while paused; running ones go on. */
  pause(): void;
  /** Ends a pause, and also resets a tripped quota breaker (the operator fixed the account). */
  resume(): void;
  /** Cancels running tasks (their cleanup runs), starts nothing new, ends CANCELLED. */
  cancel(reason?: string): void;
  /** Adds `usd` (decimal string) to the budget; a tripped budget breaker closes if now below the limit. */
  raiseBudget(usd: string): void;
  requestReservation(msg: ReservationRequest): void;
  reportCost(msg: CostReport): void;
  /** The progress query. */
  progress(): ProgressSnapshot;
  /** The approval gate, answered by the approve and reject Updates (steering.ts). */
  approval?: ApprovalGate;
  /** The carryOn query (issue 27): what a new run of this build starts from. */
  carryOn?(): CarryOn | null;
}

/** A build's input and carry-over state, as a new run continues it. */
export interface CarryOn {
  input: Omit<BuildWorkflowInput, 'carried'>;
  carried: BuildCarryOver;
}

export interface BuildPort extends RuntimePort {
  /** This build's workflow id (stable across continue-as-new): tasks address their budget messages to it. */
  readonly workflowId: string;
  registerHandlers(handlers: BuildHandlers): void;
  /** Starts the task workflow for `input.task` (Temporal: a child with id taskWorkflowId(buildId, taskId)). */
  startTask(input: TaskWorkflowInput): Promise<TaskHandle>;
  /** Sends a grant to a running task (Temporal: signal the child). */
  sendGrant(grant: ReservationGrant): Promise<void>;
  /**
   * True when the host wants a fresh run (Temporal: workflowInfo().continueAsNewSuggested). The body
   * then stops starting tasks, drains the running ones and calls continueAsNew.
   */
  shouldContinueAsNew(): boolean;
  /** Ends this run and starts a new one with `input` (carrying `input.carried`). Never resolves. */
  continueAsNew(input: BuildWorkflowInput): Promise<never>;
}

// ---- the task side -------------------------------------------------------------------------------

export interface TaskHandlers {
  grant(msg: ReservationGrant): void;
}

export interface TaskPort extends RuntimePort {
  registerHandlers(handlers: TaskHandlers): void;
  /** Sends to the parent build (Temporal: signal the external workflow `buildWorkflowId`). */
  requestReservation(msg: ReservationRequest): Promise<void>;
  reportCost(msg: CostReport): Promise<void>;
}

export { taskWorkflowId } from '../../lib/ids';
