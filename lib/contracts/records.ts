/** Persistence and telemetry activities: what a build records. */
import type { FailureClass } from '../failures';
import type { Complexity } from '../plan';

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
  | 'QUALITY_GATE_FAILED'
  | 'MERGE_CONFLICT'
  /** A merge conflict went to resolution in the merge worktree: resolved or not, at what cost. */
  | 'MERGE_RESOLUTION'
  /** Notifications (activities/notify): the delivery ledger's rows and what went wrong. */
  | 'NOTIFY_ATTEMPT'
  | 'NOTIFY_SENT'
  | 'NOTIFY_FAILED'
  | 'NOTIFY_OUTCOME_UNKNOWN';

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
  /** A remote build's repository: its gap report is read from the recording worker's cache clone. */
  repoUrl?: string;
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
  /** Evidence for gap analysis: requirements served, features delivered, merge commit, verification. */
  requirementIds?: string[];
  features?: string[];
  mergeCommit?: string;
  verification?: string;
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

/** One attempt of a task, to read what it spent from its cost rows. */
export interface AttemptKey {
  buildId: string;
  taskId: string;
  attempt: number;
}

/** What an attempt's requests cost on record: settled rows at their price, unsettled ones at their worst case. */
export interface AttemptCost {
  usd: string;
  requests: number;
  unsettled: number;
}
