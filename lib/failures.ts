/**
 * One error vocabulary end to end: activities throw ApplicationFailure with one of these `type`s
 * (activities/failure.ts), workflows branch on them, the CLI explains them with the hints of
 * lib/failure-hints.ts. Keep this file free of imports with I/O.
 */
export const FailureClass = {
  RATE_LIMITED: 'RATE_LIMITED',
  QUOTA_EXHAUSTED: 'QUOTA_EXHAUSTED',
  OVERLOADED: 'OVERLOADED',
  SERVER_ERROR: 'SERVER_ERROR',
  CONTEXT_TOO_LONG: 'CONTEXT_TOO_LONG',
  INVALID_REQUEST: 'INVALID_REQUEST',
  AUTH: 'AUTH',
  TIMEOUT: 'TIMEOUT',
  NETWORK: 'NETWORK',
  HOOK_REJECTED: 'HOOK_REJECTED',
  VERIFICATION_FAILED: 'VERIFICATION_FAILED',
  MERGE_CONFLICT: 'MERGE_CONFLICT',
  /** The task's change scored under `quality.gate` (threshold or a required sub-score) before its merge. */
  QUALITY_GATE_FAILED: 'QUALITY_GATE_FAILED',
  /** The task changed buildrunner.config.json, which sets the hooks, verification and sandbox it is judged by. */
  CONFIG_CHANGED_BY_TASK: 'CONFIG_CHANGED_BY_TASK',
  /** The agent stopped without finishing: max turns, max tokens or its budget share. */
  AGENT_INCOMPLETE: 'AGENT_INCOMPLETE',
  INVALID_PLAN: 'INVALID_PLAN',
  // The user's to fix: no retry, wait or model change helps, so the build stops and says what to do.
  BASE_BRANCH_MISSING: 'BASE_BRANCH_MISSING',
  TASK_BRANCH_MISSING: 'TASK_BRANCH_MISSING',
  /** The build branch is checked out in a checkout of the user's, where BuildRunner must not merge. */
  BRANCH_CHECKED_OUT: 'BRANCH_CHECKED_OUT',
  SPEC_MISSING: 'SPEC_MISSING',
  /** The build branch could not be merged into the base safely (conflict, a dirty checkout of the base, a refused push). */
  DELIVERY_REFUSED: 'DELIVERY_REFUSED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** The Temporal server (or another service BuildRunner needs) cannot be reached. */
  REMOTE_UNREACHABLE: 'REMOTE_UNREACHABLE',
  SANDBOX_UNAVAILABLE: 'SANDBOX_UNAVAILABLE',
} as const;

export type FailureClass = (typeof FailureClass)[keyof typeof FailureClass];

export function isFailureClass(value: unknown): value is FailureClass {
  return typeof value === 'string' && value in FailureClass;
}

/** Failures that no retry, model change or wait can fix. */
export const NON_RETRYABLE: readonly FailureClass[] = [
  FailureClass.AUTH,
  FailureClass.INVALID_REQUEST,
  FailureClass.INVALID_PLAN,
  FailureClass.BASE_BRANCH_MISSING,
  FailureClass.TASK_BRANCH_MISSING,
  FailureClass.BRANCH_CHECKED_OUT,
  FailureClass.SPEC_MISSING,
  FailureClass.DELIVERY_REFUSED,
  FailureClass.CONFIG_INVALID,
  FailureClass.REMOTE_UNREACHABLE,
  FailureClass.SANDBOX_UNAVAILABLE,
];

export function isNonRetryable(type: string | undefined): boolean {
  return NON_RETRYABLE.includes(type as FailureClass);
}

/** Structured details carried on the ApplicationFailure (details[0]). */
export interface FailureDetails {
  /** Seconds to wait, from the API's retry-after header. */
  retryAfterSeconds?: number;
  /** Hook, verification, quality-gate or merge output, trimmed, fed back to the model on a repair attempt. */
  output?: string;
  /** USD already spent by the failed attempt (so the budget stays exact even on failure). */
  costUsd?: string;
  model?: string;
  /** MERGE_CONFLICT: the files that conflicted (the task claims them on its next attempt). */
  files?: string[];
  /** MERGE_CONFLICT: why resolving it in the merge worktree failed (absent: it was not tried). */
  resolution?: string;
  /** NETWORK: the worker running the step died or lost the server (missed heartbeats); the API is not at fault. */
  workerLost?: boolean;
}
