/**
 * The typed fallback matrix (issue 3): what a task does after a failed try, by failure class. The one
 * retry layer of the system (SDK retries are off; Claude activities fail fast with a typed failure).
 * Pure: the task body feeds it the failure and its small state, and gets a decision and the next state.
 */
import { FailureClass, isFailureClass } from '../../lib/failures';
import type { ModelEntry } from '../../lib/models';
import { nextComplexity, type Complexity } from '../../lib/plan';
import type { FallbackAction, FallbackDecision, FallbackInput, FallbackState } from './fallback-types';
import { outageWait } from './outage';
import { alternateModel, fasterModel, largerContextModel, modelById, strongerModel } from './routing';

/** What a repair attempt is fed, by the failure that asked for it. */
const REPAIR_SOURCE = {
  HOOK_REJECTED: 'hook',
  VERIFICATION_FAILED: 'verification',
  QUALITY_GATE_FAILED: 'quality gate',
  CONFIG_CHANGED_BY_TASK: 'protected-config check',
} as const;

export const DEFAULT_RETRY_AFTER_MS = 30_000;
/** Backoff for overloaded / server / network failures: 5 s, 10 s, 20 s, … capped at 2 min. */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_CAP_MS = 120_000;
/**
 * Rate limits and transient server/network errors do not use up the task's attempts, but only this
 * many times per task: after that they count, so a task can never retry forever.
 */
export const MAX_FREE_RETRIES = 6;

export type { FallbackAction, FallbackDecision, FallbackInput, FallbackState } from './fallback-types';

export class UnknownFailureError extends Error {
  constructor(readonly type: string | undefined) {
    super(`Unknown failure type "${type ?? '(none)'}": not a fallback decision, rethrown.`);
  }
}

export function initialFallbackState(model: string, shareLevel: Complexity): FallbackState {
  return { model, counted: 0, free: 0, repairedOn: null, timeoutRetried: false, streak: 0, shareLevel };
}

function backoff(streak: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, streak - 1));
}

/**
 * Decides what follows a failed try. Throws UnknownFailureError for an unknown type (the caller
 * rethrows the original error). Stops with "attempts exhausted" once counted attempts reach the limit.
 */
export function decideFallback(input: FallbackInput): { decision: FallbackDecision; state: FallbackState } {
  const { type, details, catalog, maxAttempts } = input;
  if (!isFailureClass(type)) throw new UnknownFailureError(type);
  const s: FallbackState = { ...input.state };
  const current = modelById(catalog, s.model);
  const stop = (label: string) => ({
    decision: { action: 'stop' as const, model: s.model, waitMs: 0, label },
    state: s,
  });
  const go = (
    action: FallbackAction,
    model: ModelEntry | string,
    waitMs: number,
    label: string,
    counts: boolean,
    repairFeedback?: string,
  ) => {
    const id = typeof model === 'string' ? model : model.id;
    if (counts || s.free >= MAX_FREE_RETRIES) s.counted += 1;
    else s.free += 1;
    if (s.counted >= maxAttempts)
      return stop(`attempts exhausted (${s.counted}/${maxAttempts}) after ${type}`);
    if (id !== s.model) {
      s.model = id;
      s.timeoutRetried = false;
    }
    const decision: FallbackDecision = { action, model: id, waitMs, label };
    if (repairFeedback !== undefined) decision.repairFeedback = repairFeedback;
    return { decision, state: s };
  };
  if (type === FailureClass.NETWORK && details?.workerLost && input.retryLostWorkerAtOnce)
    return go('retry-same-model', s.model, 0, 'retry-same-model at once (worker lost)', false);
  const transient =
    type === 'RATE_LIMITED' || type === 'OVERLOADED' || type === 'SERVER_ERROR' || type === 'NETWORK';
  s.streak = transient ? s.streak + 1 : 0;
  const outage =
    input.outageWaitMs === undefined
      ? undefined
      : outageWait(s, input.outageWaitMs, transient, input.outageProbeOthers);

  switch (type) {
    // NON_RETRYABLE in lib/failures.ts: the catalog test holds this list to it.
    case FailureClass.AUTH:
    case FailureClass.INVALID_REQUEST:
    case FailureClass.INVALID_PLAN:
    case FailureClass.BASE_BRANCH_MISSING:
    case FailureClass.TASK_BRANCH_MISSING:
    case FailureClass.BRANCH_CHECKED_OUT:
    case FailureClass.SPEC_MISSING:
    case FailureClass.DELIVERY_REFUSED:
    case FailureClass.CONFIG_INVALID:
    case FailureClass.REMOTE_UNREACHABLE:
    case FailureClass.SANDBOX_UNAVAILABLE:
      return stop(`stop: ${type} is not retryable`);
    case FailureClass.RATE_LIMITED: {
      const waitMs =
        details?.retryAfterSeconds !== undefined ? details.retryAfterSeconds * 1000 : DEFAULT_RETRY_AFTER_MS;
      return go(
        'retry-same-model',
        s.model,
        waitMs,
        `retry-same-model after ${waitMs / 1000}s (retry-after)`,
        false,
      );
    }
    case FailureClass.SERVER_ERROR:
    case FailureClass.NETWORK: {
      const waitMs = backoff(s.streak);
      const waited = outage?.wait(waitMs, type === 'NETWORK' ? 'no connection' : 'server errors');
      if (waited) return waited;
      return go('retry-same-model', s.model, waitMs, `retry-same-model after ${waitMs / 1000}s`, false);
    }
    case FailureClass.QUOTA_EXHAUSTED:
      // Not the task's fault: the build's breaker holds every task until raiseBudget/resume.
      return {
        decision: {
          action: 'wait-for-breaker',
          model: s.model,
          waitMs: 0,
          label: 'wait-for-breaker (quota exhausted)',
        },
        state: s,
      };
    case FailureClass.OVERLOADED: {
      const waitMs = backoff(s.streak);
      const next = current ? alternateModel(catalog, current) : null;
      const handled = outage?.overloaded(next, waitMs, (to) =>
        go('switch-model', to, waitMs, `switch to ${to.id} after ${waitMs / 1000}s (overloaded)`, true),
      );
      if (handled) return handled;
      if (!next)
        return go(
          'retry-same-model',
          s.model,
          waitMs,
          `retry-same-model after ${waitMs / 1000}s (no other model)`,
          true,
        );
      return go(
        'switch-model',
        next,
        waitMs,
        `switch to ${next.id} after ${waitMs / 1000}s (overloaded)`,
        true,
      );
    }
    case FailureClass.CONTEXT_TOO_LONG: {
      const next = current ? largerContextModel(catalog, current) : null;
      if (!next) return stop('stop: no model with a larger context window');
      return go('switch-model', next, 0, `switch to ${next.id} (larger context window)`, true);
    }
    case FailureClass.TIMEOUT: {
      const next = current ? fasterModel(catalog, current) : null;
      if (next) return go('switch-model', next, 0, `switch to ${next.id} (faster)`, true);
      if (s.timeoutRetried) return stop('stop: timed out again and no faster model exists');
      s.timeoutRetried = true;
      return go('retry-same-model', s.model, 0, 'retry-same-model once (no faster model)', true);
    }
    // CONFIG_CHANGED_BY_TASK is newer than every recorded history: its decision needs no patched() gate.
    case FailureClass.HOOK_REJECTED:
    case FailureClass.VERIFICATION_FAILED:
    case FailureClass.QUALITY_GATE_FAILED:
    case FailureClass.CONFIG_CHANGED_BY_TASK: {
      const feedback = details?.output ?? '';
      if (s.repairedOn !== s.model) {
        s.repairedOn = s.model;
        return go(
          'repair',
          s.model,
          0,
          `repair on ${s.model} with the ${REPAIR_SOURCE[type]} output`,
          true,
          feedback,
        );
      }
      const next = current ? strongerModel(catalog, current) : null;
      if (!next) return stop(`stop: ${type} after a repair attempt on the strongest tier`);
      return go('switch-model', next, 0, `escalate to ${next.id} after a failed repair`, true, feedback);
    }
    case FailureClass.MERGE_CONFLICT: {
      // Not tried (older histories): every redo counts. Tried and failed (details.resolution): the first
      // redo counts; later ones lost to other merges on the way, and are free retries.
      if (details?.resolution === undefined)
        return go('retry-same-model', s.model, 0, 'redo on the updated build branch', true);
      const first = !s.conflictRedos;
      s.conflictRedos = (s.conflictRedos ?? 0) + 1;
      const label = `redo on the updated build branch${first ? '' : ' (lost to other merges: not counted)'}`;
      return go('redo', s.model, 0, label, first);
    }
    case FailureClass.AGENT_INCOMPLETE: {
      // Running out of money says the task is bigger than estimated, not that the model is too weak:
      // a share sized for the estimated level cuts an underestimated task off on every tier.
      const bigger = input.budgetShareSpent ? nextComplexity(s.shareLevel) : null;
      if (bigger) {
        s.shareLevel = bigger;
        return go(
          'grow-share',
          s.model,
          0,
          `retry ${s.model} with a budget share for a ${bigger} task (share spent)`,
          true,
        );
      }
      const why = input.budgetShareSpent ? 'largest budget share spent' : 'agent incomplete';
      const next = current ? strongerModel(catalog, current) : null;
      if (!next) return stop(`stop: ${why} on the strongest tier`);
      return go('switch-model', next, 0, `escalate to ${next.id} (${why})`, true);
    }
  }
}
