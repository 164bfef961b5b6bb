/**
 * One error vocabulary end to end: activities throw ApplicationFailure with one of these `type`s,
 * workflows branch on them, the CLI explains them. Keep this file free of imports with I/O.
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
  /** The agent stopped without finishing: max turns, max tokens or its budget share. */
  AGENT_INCOMPLETE: 'AGENT_INCOMPLETE',
  INVALID_PLAN: 'INVALID_PLAN',
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
];

/** Structured details carried on the ApplicationFailure (details[0]). */
export interface FailureDetails {
  /** Seconds to wait, from the API's retry-after header. */
  retryAfterSeconds?: number;
  /** Hook, verification or merge output, trimmed, fed back to the model on a repair attempt. */
  output?: string;
  /** USD already spent by the failed attempt (so the budget stays exact even on failure). */
  costUsd?: string;
  model?: string;
}
