/**
 * Inputs, results and carried-over state of the build and task workflow bodies. Pure types, safe for
 * the Temporal workflow bundle. Nothing here ever holds a secret: the Anthropic key lives only in
 * the worker's activities. Money is a decimal string ("12.50"), never a float.
 */
import type {
  AgentEngine,
  BuildOutcome,
  ComplexityEstimate,
  QualityGateSettings,
  TaskOutcome,
} from '../../lib/contracts';
import type { ApprovalSettings } from '../../lib/approval';
import type { DeliveryProgress, DeliverySettings } from '../../lib/delivery';
import type { ExplainedFailure } from '../../lib/failure-hints';
import type { FailureClass } from '../../lib/failures';
import type { ModelCatalog, ModelTier } from '../../lib/models';
import type { DesignRequest } from '../../lib/design/request';
import type { NotifySettings } from '../../lib/notify/config';
import type { Complexity, Plan, PlannedTask } from '../../lib/plan';

/** Which tier each complexity level starts on, how often a task may be tried, and the catalog to pick from. */
export interface RoutingSettings {
  tiers: Record<Complexity, ModelTier>;
  /** Counted attempts per task (quota waits and merge redos on a new base are not free: see fallback.ts). */
  maxAttemptsPerTask: number;
  catalog: ModelCatalog;
  /** How long a task waits out an API outage (anthropic.outageWaitMinutes; 60 when absent). */
  outageWaitMinutes?: number;
}

export { DEFAULT_TIERS } from '../../lib/tiers';

export interface BuildWorkflowInput {
  buildId: string;
  project: string;
  /**
   * The checkout the build was started from. Without repoUrl, the repository itself: every worker
   * works on this path (one machine).
   */
  repoPath: string;
  /**
   * The repository by git URL (ssh, https, file://): each worker fetches it into its own cache clone
   * and pushes task branches and merges to it; repoPath is then only a label.
   */
  repoUrl?: string;
  baseBranch: string;
  buildBranch: string;
  /** Spec path relative to repoPath; used when `plan` is absent. */
  specPath: string;
  /** The spec's text, for a remote build, whose workers have no checkout to read specPath from. */
  specContent?: string;
  /** Hash of the spec content (part of the readable workflow id, recorded on the Build row). */
  specHash: string;
  /** An inline plan skips the planBuild activity (tests, `br plan` output fed back, replays). */
  plan?: Plan;
  /**
   * What making the inline plan with Claude cost before the start (decimal USD): charged to the budget
   * when the build begins, so the budget covers the whole build, planning included.
   */
  planningCostUsd?: string;
  planner: 'heuristic' | 'claude';
  plannerModel?: string;
  estimator: 'heuristic' | 'ai';
  estimatorModel?: string;
  /** Decimal string, e.g. "20". */
  budgetUsd: string;
  parallel: number;
  routing: RoutingSettings;
  /** Increasing fractions in (0, 1], default [0.5, 0.8, 1]. Each fires one BUDGET_ALERT, once. */
  alertThresholds: number[];
  verifyCommand?: string;
  /** The coding-agent engine of this build (`br build start --engine`); absent: each worker's agent.engine. */
  agentEngine?: AgentEngine;
  /** Default 600. */
  verifyTimeoutSeconds?: number;
  /** quality.gate: checked on every task's change before its merge. Absent: no gate, no activity. */
  qualityGate?: QualityGateSettings;
  /**
   * How long a build with a tripped budget or quota breaker waits for raiseBudget/resume before it
   * ends BUDGET_EXHAUSTED. Default 24 h.
   */
  budgetWaitMs?: number;
  /** Approval gates (config `approval`, `br build start --approve-plan`); absent when none is on. */
  approval?: ApprovalSettings;
  /** What a successful build does with its branch (config `delivery`); absent: it stays on the branch. */
  delivery?: DeliverySettings;
  /** The design system to commit on the build branch before any task starts (br design). */
  design?: DesignRequest;
  /** The configured sinks (ids, events, timeouts; nothing secret); absent when none is configured. */
  notify?: NotifySettings;
  /** Present only when the build continued as new: the state of the previous run. */
  carried?: BuildCarryOver;
}

/** Compact state passed through continue-as-new; tasks in a terminal state are never re-run. */
export interface BuildCarryOver {
  plan: Plan;
  estimates: Record<string, ComplexityEstimate>;
  /** Terminal tasks only (running ones are drained before continuing as new). */
  finished: Record<string, CompactTaskState>;
  spentUsd: string;
  /** Budget after raises. */
  budgetUsd: string;
  alertsFired: number[];
  paused: boolean;
  /** Epoch ms when the first run started. */
  startedAt: number;
  /** How many times this build has continued as new. */
  generation: number;
  /** Cumulative raises already applied, to ignore a raise the host replays. */
  raisesApplied: number;
  /** How many `br build continue` runs led here (absent: none); its notifications are new occurrences. */
  continued?: number;
  /** What the build learned from merge conflicts (issue 36); absent before the first redo asked. */
  conflicts?: CarriedConflicts;
  /** Tries of each task on record from the earlier runs (`br build continue`); absent: none. */
  triesBefore?: Record<string, number>;
}

/** The conflict gate's state (conflict-gate.ts) between runs: running attempts were drained first. */
export interface CarriedConflicts {
  /** Files learned from conflicts no resolution settled. */
  learned: string[];
  /** Resolutions by file; absent: the older rule, every learned file is hot. */
  resolutions?: Record<string, { resolved: number; failed: number }>;
}

export type TaskState = 'PENDING' | 'RUNNING' | TaskOutcome;
export const TERMINAL_TASK_STATES: readonly TaskState[] = ['SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED'];

/** What the parent keeps per task: small on purpose, a 500-task build stays far below history limits. */
export interface CompactTaskState {
  state: TaskState;
  model?: string;
  attempts: number;
  costUsd: string;
  failureClass?: FailureClass;
  error?: string;
  startedAt?: number;
  finishedAt?: number;
  mergeCommit?: string;
  verification?: string;
}

export interface TaskWorkflowInput {
  buildId: string;
  /** Workflow id of the parent build, the address of the budget messages on Temporal. */
  buildWorkflowId: string;
  repoPath: string;
  repoUrl?: string;
  buildBranch: string;
  task: PlannedTask;
  estimate: ComplexityEstimate;
  routing: RoutingSettings;
  verifyCommand?: string;
  verifyTimeoutSeconds?: number;
  qualityGate?: QualityGateSettings;
  agentEngine?: AgentEngine;
  /**
   * The build reserved the first attempt when it started the task (issue 31): this is the grant's USD,
   * and the task runs its first try without the reservation round trip.
   */
  firstGrantUsd?: string;
  /** The cost of a successful last try is in the result (the build books it), not in a reportCost signal. */
  costInResult?: boolean;
  /**
   * Tries of this task on record from the build's earlier runs (`br build continue`, issue 27); absent: 0.
   * This run's tries are recorded, metered and read back (attemptCost) as numbers after them, so no
   * record of an earlier try is overwritten or counted again; routing and limits count this run's tries.
   */
  triesBefore?: number;
}

export interface TaskResult {
  taskId: string;
  outcome: TaskOutcome;
  /** Last model tried. */
  model?: string;
  /** Tries made (each is a TaskAttempt row). */
  attempts: number;
  costUsd: string;
  failureClass?: FailureClass;
  error?: string;
  mergeCommit?: string;
  /** The verify command that passed before the merge, or "none" when none is configured. */
  verification?: string;
}

export interface BuildSummary {
  outcome: BuildOutcome;
  message: string;
  tasks: { total: number } & Record<TaskState, number>;
  spentUsd: string;
  budgetUsd: string;
  elapsedMs: number;
  /** Plan problems when the plan was rejected. */
  problems?: string[];
  /** Why the build stopped before running tasks, with what to do next (lib/failure-hints.ts). */
  failure?: ExplainedFailure;
  failedTasks: { id: string; failureClass?: FailureClass; error?: string }[];
  generation: number;
  /** Builds with `delivery`: what was delivered, or why not. */
  delivery?: DeliveryProgress;
}

export interface BuildResult {
  buildId: string;
  outcome: BuildOutcome;
  summary: BuildSummary;
}
