/** The fallback matrix's state, input and decision (fallback.ts). */
import type { FailureDetails } from '../../lib/failures';
import type { ModelCatalog } from '../../lib/models';
import type { Complexity } from '../../lib/plan';

export interface FallbackState {
  model: string;
  /** Attempts counted against maxAttemptsPerTask. */
  counted: number;
  /** Free (not counted) retries used. */
  free: number;
  /** The model a repair attempt was already spent on, if any. */
  repairedOn: string | null;
  /** Redos after a failed merge-conflict resolution. */
  conflictRedos?: number;
  /** The model the last merge-conflict resolution ran on, if any. */
  resolvedOn?: string | null;
  /** Whether the same-model timeout retry was already used. */
  timeoutRetried: boolean;
  /** Consecutive transient failures, for the backoff. */
  streak: number;
  /**
   * The complexity level the attempt's budget share is sized for: the estimate at first, one level
   * higher each time an attempt spends its whole share without finishing.
   */
  shareLevel: Complexity;
  /** API outage bookkeeping (outage.ts). */
  outage?: OutageState;
}

export type FallbackAction =
  /** Try again after `waitMs` on `model`. */
  | 'retry-same-model'
  | 'switch-model'
  | 'repair'
  /** The agent spent its whole budget share: try the same model again with a share for the next level. */
  | 'grow-share'
  /** Quota exhausted: report it to the build, whose breaker holds everyone; then try the same model. */
  | 'wait-for-breaker'
  /** A merge conflict: resolve it in the merge worktree (decideResolution); not an attempt. */
  | 'resolve'
  /** The conflict could not be resolved: do the task again on the updated build branch. */
  | 'redo'
  | 'stop';

export interface FallbackDecision {
  action: FallbackAction;
  model: string;
  waitMs: number;
  /** Feedback for a repair attempt (hook / verification output). */
  repairFeedback?: string;
  /** Human readable, recorded on the TaskAttempt row and the FALLBACK_APPLIED event. */
  label: string;
}

export interface FallbackInput {
  /** The failure's type; undefined or an unknown string for errors outside the vocabulary. */
  type: string | undefined;
  details?: FailureDetails;
  state: FallbackState;
  catalog: ModelCatalog;
  maxAttempts: number;
  /**
   * The failed attempt spent all of the budget share it was granted (the task body compares its cost
   * with the grant; the agent stops at the share and reports AGENT_INCOMPLETE).
   */
  budgetShareSpent?: boolean;
  /**
   * How long a task waits out an API outage (every model overloaded, or 5xx / no connection) without
   * counting attempts or switching models (anthropic.outageWaitMinutes). Undefined: the behaviour
   * before outages were waited out (histories recorded before patch 'api-outage-wait').
   */
  outageWaitMs?: number;
  /**
   * While waiting out an overload, probe the other overloaded models now and then (outage.ts). Unset:
   * every probe goes to the first model (histories recorded before patch 'outage-probe-others').
   */
  outageProbeOthers?: boolean;
  /**
   * A try whose worker died (details.workerLost) runs again at once, on the same model, without counting:
   * waiting helps nothing, and it is no sign of an API outage. Unset: the 5 s backoff it had before
   * (histories recorded before patch 'worker-lost-at-once').
   */
  retryLostWorkerAtOnce?: boolean;
}

/** API outage bookkeeping of a task (outage.ts). */
export interface OutageState {
  /** Models that answered "overloaded" in the current streak of transient failures. */
  overloaded: string[];
  /** The model the task was on when the streak began. */
  from?: string;
  /** Counted attempts spent on overload switches in this streak. */
  refund: number;
  /** Time waited out in outages so far, over the whole task. */
  waitedMs: number;
  /** Refused probes of `from` in a row since another overloaded model was last probed (outage-probe-others). */
  firstRefused?: number;
  /** Probes of the other overloaded models so far in this streak (outage-probe-others). */
  othersProbed?: number;
}
