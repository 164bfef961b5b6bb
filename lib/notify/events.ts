/**
 * The notification events a build emits (version 1): what sinks (Slack, a webhook, GitHub, a
 * plugin's) receive. Pure data, safe for the workflow bundle. A new field is added as optional; a
 * change of meaning is a new `version`, and sinks of version 1 keep receiving version 1.
 *
 * Events carry no secret and no link that depends on the worker (the Web UI address): the notifier
 * activity adds links from the worker's configuration (SinkContext.links).
 */
import type { BuildOutcome } from '../contracts/records';

export const NOTIFY_EVENT_VERSION = 1;

export const NOTIFY_EVENT_TYPES = [
  'build.started',
  'approval.requested',
  'task.succeeded',
  'task.failed',
  'build.budget_threshold',
  'build.finished',
] as const;

export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

export interface BuildStartedData {
  project: string;
  specPath: string;
  baseBranch: string;
  buildBranch: string;
  /** The repository's remote URL when the build has one (remote builds), without credentials. */
  repoUrl?: string;
  tasks: number;
  /** Decimal string, like every amount of money that crosses a boundary. */
  budgetUsd: string;
}

export interface ApprovalRequestedData {
  gate: 'plan' | 'delivery';
  planHash: string;
  tasks: number;
  /** ISO time (workflow clock) when an unanswered gate ends. */
  deadline: string;
  onTimeout: 'cancel' | 'approve';
  /** The plan gate: the plan's cost forecast as `br plan` shows it (workflows/core/plan-forecast.ts), decimal strings. */
  forecastUsd?: { low: string; high: string };
}

export interface TaskSucceededData {
  taskId: string;
  title: string;
  model: string;
  costUsd: string;
  /** The commit merged into the build branch. */
  commit?: string;
  /** The build's remote URL when it has one (remote builds), without credentials. */
  repoUrl?: string;
}

export interface TaskFailedData {
  taskId: string;
  title: string;
  /** A FailureClass (lib/failures.ts), e.g. HOOK_REJECTED. */
  failureClass: string;
  /** Already masked and bounded (≤ 2,000 characters). */
  message: string;
  costUsd: string;
  /** The build's remote URL when it has one (remote builds), without credentials. */
  repoUrl?: string;
}

export interface BudgetThresholdData {
  /** Percent of the budget: 50, 80, 100. */
  threshold: number;
  spentUsd: string;
  budgetUsd: string;
}

export interface BuildFinishedData {
  outcome: BuildOutcome;
  /** Already masked and bounded (≤ 2,000 characters). */
  message: string;
  tasks: { total: number; succeeded: number; failed: number; blocked: number; cancelled: number };
  spentUsd: string;
  durationMs: number;
  baseBranch: string;
  buildBranch: string;
  /** The build's last commit on the build branch, when it has one. */
  headCommit?: string;
  /** The build's remote URL when it has one (remote builds), without credentials. */
  repoUrl?: string;
}

interface EventOf<T extends NotifyEventType, D> {
  version: typeof NOTIFY_EVENT_VERSION;
  /** Stable for this occurrence (`<buildId>/<type>/<scope>`): replays and retries give the same id. */
  id: string;
  type: T;
  buildId: string;
  /** ISO time from the workflow clock. */
  at: string;
  data: D;
}

export type NotifyEvent =
  | EventOf<'build.started', BuildStartedData>
  | EventOf<'approval.requested', ApprovalRequestedData>
  | EventOf<'task.succeeded', TaskSucceededData>
  | EventOf<'task.failed', TaskFailedData>
  | EventOf<'build.budget_threshold', BudgetThresholdData>
  | EventOf<'build.finished', BuildFinishedData>;

export function isNotifyEventType(t: unknown): t is NotifyEventType {
  return typeof t === 'string' && (NOTIFY_EVENT_TYPES as readonly string[]).includes(t);
}
