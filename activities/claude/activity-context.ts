import { asyncLocalStorage, type Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';

/**
 * The Temporal activity context when running inside one, or nothing when a test or `br plan` calls the
 * activity function directly. Everything here degrades to a no-op outside an activity.
 */
function current(): Context | undefined {
  return asyncLocalStorage.getStore();
}

const lastDetails = new WeakMap<Context, unknown>();

export function heartbeat(details: unknown): void {
  const ctx = current();
  if (!ctx) return;
  lastDetails.set(ctx, details);
  ctx.heartbeat(details);
}

/**
 * Heartbeats every `everyMs` while fn runs (repeating the last details), so liveness does not depend on
 * how long one Claude call or one allowed command takes: the heartbeat timeout can then be short and a
 * dead worker's activity is retried quickly. The SDK throttles what actually reaches the server.
 */
export const KEEP_ALIVE_MS = 5000;

export async function withKeepAlive<T>(fn: () => Promise<T>, everyMs = KEEP_ALIVE_MS): Promise<T> {
  const ctx = current();
  if (!ctx) return fn();
  const timer = setInterval(() => ctx.heartbeat(lastDetails.get(ctx)), everyMs);
  try {
    return await fn();
  } catch (err) {
    throw handedBack(ctx, err);
  } finally {
    clearInterval(timer);
    lastDetails.delete(ctx);
  }
}

export function cancellationSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

const callsIn = new WeakMap<Context, number>();
/** Names this process's calls made outside an activity (`br plan`, `br gaps analyze --advise`). */
const PROCESS_RUN = randomUUID().slice(0, 8);
let callsOutside = 0;

/**
 * The cost-row key prefix of one Claude call (its requests add their round or turn). Inside an
 * activity: workflowId/runId/activityId/attempt, stable when the activity's writes are retried; the run
 * id because a continued or rebuilt build reuses its workflow and activity ids, and its requests would
 * otherwise take over the ended run's rows (a request lost there lost its row, issue 27). With `/cN`
 * for the Nth call of the same activity try (a remote merge resolution that lost a race asks again).
 * Outside one nothing names the run, so the given local key gets this process's id and a per-call
 * count: two `br plan` runs of the same spec, or two calls in one run, never share a row (issue 27).
 */
export function callKeyPrefix(local: string): string {
  const ctx = current();
  if (!ctx) return `${local}/run-${PROCESS_RUN}-${++callsOutside}`;
  const calls = (callsIn.get(ctx) ?? 0) + 1;
  callsIn.set(ctx, calls);
  const { info } = ctx;
  const run = info.workflowExecution;
  const prefix = `${run?.workflowId ?? 'standalone'}/${run?.runId ?? '-'}/${info.activityId}/${info.attempt}`;
  return calls === 1 ? prefix : `${prefix}/c${calls}`;
}

/**
 * A worker draining on SIGTERM cancels what is still running when its grace time ends. Reported as a
 * cancel, the workflow would take it for the user's cancel; reported as a lost worker (NETWORK), the
 * workflow runs the step again, on another worker, with the same model.
 */
export function handedBack(ctx: Context, err: unknown): unknown {
  const reason: unknown = ctx.cancellationSignal.reason;
  if (!(reason instanceof CancelledFailure) || reason.message !== 'WORKER_SHUTDOWN') return err;
  return failure(
    FailureClass.NETWORK,
    `The worker running this step shut down before it finished (${(err as Error)?.message ?? String(err)}); it runs again on another worker.`,
  );
}
