import { asyncLocalStorage, type Context } from '@temporalio/activity';

/**
 * The Temporal activity context when running inside one, or nothing when a test or `br plan` calls the
 * activity function directly. Everything here degrades to a no-op outside an activity.
 */
function current(): Context | undefined {
  return asyncLocalStorage.getStore();
}

export function heartbeat(details: unknown): void {
  current()?.heartbeat(details);
}

export function cancellationSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

/** workflowId/activityId/attempt inside an activity, else the given local key. */
export function callKeyPrefix(local: string): string {
  const info = current()?.info;
  return info
    ? `${info.workflowExecution?.workflowId ?? 'standalone'}/${info.activityId}/${info.attempt}`
    : local;
}
