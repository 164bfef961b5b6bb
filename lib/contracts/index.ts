/**
 * The contract between workflows and activities: argument and result types only, no I/O, safe to
 * import (as types) from workflow code. Workflows call these through proxyActivities; the worker
 * registers real implementations (activities/*), tests and `br build simulate` register fakes.
 *
 * Failures: an activity fails with ApplicationFailure whose `type` is a FailureClass (lib/failures.ts)
 * and whose details[0] is FailureDetails (retry-after, hook output, cost already spent, model).
 * Money crosses the boundary as decimal strings ("0.0123"), never floats.
 */
import type { RunAgentInput, RunAgentResult } from './agent';
import type { DeliverBuildInput, DeliverBuildResult } from './delivery';
import type {
  CleanupTaskInput,
  CommitTaskInput,
  CommitTaskResult,
  EnsureBuildBranchInput,
  MarkFeaturesInput,
  MergeTaskInput,
  MergeTaskResult,
  PreparedWorktree,
  PrepareWorktreeInput,
  ResolveConflictInput,
  ResolveConflictResult,
  VerifyTaskInput,
} from './git';
import type { EstimateInput, EstimateResult, PlanBuildInput, PlanBuildResult } from './planning';
import type { NotifyInput, NotifyResult } from './notify';
import type { CheckQualityGateInput } from './quality';
import type {
  AttemptCost,
  AttemptKey,
  RecordAttemptInput,
  RecordBuildInput,
  RecordTaskInput,
  TelemetryEventInput,
} from './records';

export type * from './agent';
export type * from './delivery';
export type * from './git';
export type * from './maintenance';
export type * from './notify';
export type * from './planning';
export type * from './quality';
export type * from './records';

/** Activities a build needs. Implementations: activities/claude, activities/git, activities/persistence. */
export interface BuildActivities {
  planBuild(input: PlanBuildInput): Promise<PlanBuildResult>;
  estimateComplexity(input: EstimateInput): Promise<EstimateResult>;
  ensureBuildBranch(input: EnsureBuildBranchInput): Promise<void>;
  prepareWorktree(input: PrepareWorktreeInput): Promise<PreparedWorktree>;
  runAgent(input: RunAgentInput): Promise<RunAgentResult>;
  commitTask(input: CommitTaskInput): Promise<CommitTaskResult>;
  verifyTask(input: VerifyTaskInput): Promise<void>;
  /** Runs only when the build has a quality.gate; fails QUALITY_GATE_FAILED with the findings. */
  checkQualityGate(input: CheckQualityGateInput): Promise<void>;
  mergeTask(input: MergeTaskInput): Promise<MergeTaskResult>;
  /** A Claude activity (model queue, no SDK retry) that works in the merge worktree. */
  resolveConflict(input: ResolveConflictInput): Promise<ResolveConflictResult>;
  cleanupTask(input: CleanupTaskInput): Promise<void>;
  recordBuild(input: RecordBuildInput): Promise<void>;
  recordTask(input: RecordTaskInput): Promise<void>;
  recordAttempt(input: RecordAttemptInput): Promise<void>;
  emitEvents(events: TelemetryEventInput[]): Promise<void>;
  /** The cost rows of one attempt (a dead worker's agent cannot report its own spend). Read-only. */
  attemptCost(input: AttemptKey): Promise<AttemptCost>;
  markFeaturesDelivered(input: MarkFeaturesInput): Promise<void>;
  /** Delivers one event to one sink (activities/notify): exactly one visible effect, or a typed event. */
  notify(input: NotifyInput): Promise<NotifyResult>;
  /** Only for builds with `delivery`: merges the build branch into the base (idempotent); DELIVERY_REFUSED when it cannot safely. */
  deliverBuild(input: DeliverBuildInput): Promise<DeliverBuildResult>;
}
