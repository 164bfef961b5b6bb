import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { FailureClass, type FailureDetails } from '../../lib/failures';
import { failure } from '../failure';

/**
 * Every Anthropic SDK error becomes exactly one FailureClass, decided by HTTP status, error type and
 * error code. The message text is read only for "prompt is too long", where the API offers nothing
 * better. The workflow decides what to do with each class (wait, other model, stop).
 */

export interface FailureContext {
  model?: string;
  /** USD already spent by this activity, so the budget stays exact on failure. */
  costUsd?: string;
  /** Redacted from any message that reaches the failure. */
  apiKey?: string;
}

const SPEND_LIMIT_CODES = /spend_limit|billing|credit/;

/** Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined when absent. */
export function retryAfterSeconds(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export interface Classified {
  type: FailureClass;
  reason: string;
  retryAfterSeconds?: number;
}

export function classifyApiError(err: APIError): Classified {
  const status = err.status;
  const code = err.errorCode ?? '';
  if (err instanceof APIConnectionTimeoutError)
    return { type: FailureClass.TIMEOUT, reason: 'the request timed out' };
  if (err instanceof APIConnectionError)
    return { type: FailureClass.NETWORK, reason: 'could not reach the API' };
  if (err.type === 'overloaded_error' || status === 529)
    return { type: FailureClass.OVERLOADED, reason: 'the API is overloaded' };
  if (err.type === 'billing_error' || SPEND_LIMIT_CODES.test(code) || status === 402)
    return {
      type: FailureClass.QUOTA_EXHAUSTED,
      reason: 'the organisation has reached a spend or credit limit',
    };
  if (status === 429) {
    const wait = retryAfterSeconds(err.headers);
    // Without retry-after a 429 is a usage cap (e.g. monthly), not a per-minute limit: waiting a bit won't help.
    return wait === undefined
      ? { type: FailureClass.QUOTA_EXHAUSTED, reason: 'usage limit reached (429 without retry-after)' }
      : {
          type: FailureClass.RATE_LIMITED,
          reason: `rate limited, retry after ${wait}s`,
          retryAfterSeconds: wait,
        };
  }
  if (
    status === 401 ||
    status === 403 ||
    err.type === 'authentication_error' ||
    err.type === 'permission_error'
  )
    return {
      type: FailureClass.AUTH,
      reason: 'the API key was rejected or lacks permission; check ANTHROPIC_API_KEY and the workspace',
    };
  if (status === 408 || err.type === 'timeout_error')
    return { type: FailureClass.TIMEOUT, reason: 'the API timed out' };
  if (status === 400 && /prompt is too long/i.test(err.apiMessage ?? ''))
    return { type: FailureClass.CONTEXT_TOO_LONG, reason: "the prompt exceeds the model's context window" };
  if (status !== undefined && status >= 500)
    return { type: FailureClass.SERVER_ERROR, reason: `server error ${status}` };
  if (status === 409) return { type: FailureClass.SERVER_ERROR, reason: 'conflict (409)' };
  return {
    type: FailureClass.INVALID_REQUEST,
    reason: `the API rejected the request (${status ?? 'no status'})`,
  };
}

/**
 * Maps an error thrown while calling Claude to an ApplicationFailure. Failures already classified and
 * cancellations pass through unchanged; anything that is not an SDK error is a bug and is rethrown.
 */
export function toFailure(err: unknown, context: FailureContext = {}): unknown {
  if (err instanceof ApplicationFailure || err instanceof APIUserAbortError || !(err instanceof APIError))
    return err;
  const c = classifyApiError(err as APIError);
  const apiMessage = err.apiMessage ? `: ${err.apiMessage}` : '';
  const details: FailureDetails = {
    ...(c.retryAfterSeconds !== undefined ? { retryAfterSeconds: c.retryAfterSeconds } : {}),
    ...(context.costUsd !== undefined ? { costUsd: context.costUsd } : {}),
    ...(context.model ? { model: context.model } : {}),
  };
  const where = context.model ? ` (${context.model})` : '';
  return failure(c.type, `Claude API${where}: ${c.reason}${apiMessage}`, details, context.apiKey);
}

/** An HTTP error answer, or a connection the API's host refused: the request was never billed. */
export function answeredWithoutCharge(err: unknown): boolean {
  if (err instanceof Anthropic.APIConnectionTimeoutError || err instanceof Anthropic.APIUserAbortError)
    return false;
  if (err instanceof Anthropic.APIConnectionError) return /ECONNREFUSED/.test(causes(err));
  return err instanceof Anthropic.APIError && err.status !== undefined;
}

function causes(err: unknown, depth = 0): string {
  if (!err || typeof err !== 'object' || depth > 5) return '';
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return `${text(e.code)} ${text(e.message)} ${causes(e.cause, depth + 1)}`;
}
