/**
 * The contract between workflows and activities: argument and result types only, no I/O, safe to
 * import (as types) from workflow code. Workflows call these through proxyActivities; the worker
 * registers real implementations (activities/*), tests and `br build simulate` register fakes.
 *
 * Failures: an activity fails with ApplicationFailure whose `type` is a FailureClass (lib/failures.ts)
 * and whose details[0] is FailureDetails (retry-after, hook output, cost already spent, model).
 * Money crosses the boundary as decimal strings ("0.0123"), never floats.
 */
import type { DesignRequest } from '../lib/design/request';
import type { FailureClass } from '../lib/failures';
import type { ModelTier, TokenUsage } from '../lib/models';
import type { Complexity, Plan, PlannedTask } from '../lib/plan';

// ---- planning and estimation -------------------------------------------------------------

export interface PlanBuildInput {
  buildId: string;
  project: string;
  repoPath: string;
  /** Spec path relative to repoPath. */
  specPath: string;
  planner: 'heuristic' | 'claude';
  /** Model for the Claude planner. */
  model?: string;
}

export interface PlanBuildResult {
  plan: Plan;
  costUsd: string;
}

export interface EstimateInput {
  buildId: string;
  tasks: PlannedTask[];
  mode: 'heuristic' | 'ai';
  model?: string;
}

export interface ComplexityEstimate {
  level: Complexity;
  /** 0..100 */
  score: number;
  reasons: string[];
  recommendedTier: ModelTier;
}

export interface EstimateResult {
  estimates: Record<string, ComplexityEstimate>;
  costUsd: string;
}

// ---- git -----------------------------------------------------------------------------------

export interface EnsureBuildBranchInput {
  repoPath: string;
  baseBranch: string;
  buildBranch: string;
  /** With `design`: the build's id (names the build branch's worktree) and the design files to commit. */
  buildId?: string;
  design?: DesignRequest;
}

export interface PrepareWorktreeInput {
  buildId: string;
  taskId: string;
  attempt: number;
  repoPath: string;
  /** The task branch is created from this branch's current tip, so it sees merged dependencies. */
  buildBranch: string;
}

export interface PreparedWorktree {
  worktreePath: string;
  branch: string;
  baseCommit: string;
}

export interface CommitTaskInput {
  worktreePath: string;
  buildId: string;
  taskId: string;
  model: string;
  message: string;
}

export interface CommitTaskResult {
  /** null when the agent changed nothing. */
  commit: string | null;
}

export interface VerifyTaskInput {
  worktreePath: string;
  command: string;
  timeoutSeconds: number;
}

export interface MergeTaskInput {
  repoPath: string;
  buildBranch: string;
  branch: string;
  buildId: string;
  taskId: string;
}

export interface MergeTaskResult {
  mergeCommit: string;
}

export interface CleanupTaskInput {
  repoPath: string;
  worktreePath: string;
  branch: string;
}

// ---- the agent -------------------------------------------------------------------------------

export interface RunAgentInput {
  buildId: string;
  taskId: string;
  attempt: number;
  model: string;
  worktreePath: string;
  /** Commit the worktree must be reset to before the agent starts (a retried attempt never sees half-applied edits). */
  baseCommit: string;
  task: PlannedTask;
  /** Hook or verification output from the previous attempt, for a repair attempt. */
  repairFeedback?: string;
  /** The attempt stops when it has spent this much (decimal string). */
  budgetUsd: string;
  /** The attempt stops once its calls have used this many tokens (input, output and cache); no cap when absent. */
  maxTokens?: number;
}

export interface RunAgentResult {
  outcome: 'finished';
  summary: string;
  turns: number;
  usage: TokenUsage;
  costUsd: string;
  /** The model the API actually served (may carry a date suffix). */
  servedModel: string;
}

// ---- persistence and telemetry ----------------------------------------------------------------

export type TelemetryType =
  | 'BUILD_STARTED'
  | 'BUILD_COMPLETED'
  | 'BUILD_FAILED'
  | 'BUILD_CANCELLED'
  | 'TASK_STARTED'
  | 'TASK_COMPLETED'
  | 'TASK_FAILED'
  | 'TASK_BLOCKED'
  | 'COMPLEXITY_ESTIMATED'
  | 'MODEL_SELECTED'
  | 'FALLBACK_APPLIED'
  | 'BUDGET_ALERT'
  | 'HOOK_REJECTED'
  | 'MERGE_CONFLICT';

export interface TelemetryEventInput {
  type: TelemetryType;
  buildId: string;
  taskId?: string;
  model?: string;
  /** Epoch ms from the workflow clock (deterministic), stored as occurredAt. */
  at: number;
  /** Unique per event (e.g. `${buildId}/${taskId}/${attempt}/FALLBACK_APPLIED`) so a retried activity inserts it once. */
  dedupeKey: string;
  data?: Record<string, unknown>;
}

export type BuildOutcome = 'SUCCEEDED' | 'PARTIAL' | 'FAILED' | 'CANCELLED' | 'BUDGET_EXHAUSTED';
export type TaskOutcome = 'SUCCEEDED' | 'FAILED' | 'BLOCKED' | 'CANCELLED';

export interface RecordBuildInput {
  buildId: string;
  project: string;
  specPath: string;
  specHash: string;
  repoPath: string;
  baseBranch: string;
  buildBranch: string;
  status: string;
  budgetUsd: string;
  costUsd: string;
  parallel: number;
  taskCount: number;
  startedAt: number;
  finishedAt?: number;
  summary?: Record<string, unknown>;
}

export interface RecordTaskInput {
  buildId: string;
  taskId: string;
  title: string;
  status: string;
  complexity?: Complexity;
  model?: string;
  attempts: number;
  costUsd: string;
  dependsOn: string[];
  files: string[];
  error?: string;
  startedAt?: number;
  finishedAt?: number;
}

export interface RecordAttemptInput {
  buildId: string;
  taskId: string;
  attempt: number;
  model: string;
  outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  failureClass?: FailureClass;
  /** The fallback decision taken after this attempt, e.g. "retry-same-model after 30s", "escalate to claude-opus-5-5". */
  decision?: string;
  costUsd: string;
  detail?: string;
  startedAt: number;
  finishedAt: number;
}

/** Activities a build needs. Implementations: activities/claude, activities/git, activities/persistence. */
export interface BuildActivities {
  planBuild(input: PlanBuildInput): Promise<PlanBuildResult>;
  estimateComplexity(input: EstimateInput): Promise<EstimateResult>;
  ensureBuildBranch(input: EnsureBuildBranchInput): Promise<void>;
  prepareWorktree(input: PrepareWorktreeInput): Promise<PreparedWorktree>;
  runAgent(input: RunAgentInput): Promise<RunAgentResult>;
  commitTask(input: CommitTaskInput): Promise<CommitTaskResult>;
  verifyTask(input: VerifyTaskInput): Promise<void>;
  mergeTask(input: MergeTaskInput): Promise<MergeTaskResult>;
  cleanupTask(input: CleanupTaskInput): Promise<void>;
  recordBuild(input: RecordBuildInput): Promise<void>;
  recordTask(input: RecordTaskInput): Promise<void>;
  recordAttempt(input: RecordAttemptInput): Promise<void>;
  emitEvents(events: TelemetryEventInput[]): Promise<void>;
  markFeaturesDelivered(input: {
    repoPath: string;
    buildBranch: string;
    featureIds: string[];
    buildId: string;
  }): Promise<void>;
}

// ---- scheduled maintenance ---------------------------------------------------------------------

export interface AggregateMetricsResult {
  hourBuckets: number;
  dayBuckets: number;
  weekBuckets: number;
  eventsRead: number;
  costRowsRead: number;
}

export interface RetentionInput {
  retentionDays: number;
  archiveDir: string;
  dryRun: boolean;
  batchSize: number;
  /** Epoch ms "now" from the workflow clock, so the cut-off is deterministic. */
  now: number;
}

export interface RetentionResult {
  cutoff: string;
  eventsArchived: number;
  eventsDeleted: number;
  archiveFile: string | null;
  dryRun: boolean;
}

export interface MaintenanceActivities {
  aggregateMetrics(input: { runKey: string }): Promise<AggregateMetricsResult>;
  cleanupRetention(input: RetentionInput & { runKey: string }): Promise<RetentionResult>;
}
