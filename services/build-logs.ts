import type { temporal } from '@temporalio/proto';
import { UserError } from '../lib/errors';
import { taskWorkflowId } from '../workflows/core/port';
import type { BuildLogLine } from './build-types';
import type { ServiceContext } from './context';
import { withTemporal } from './temporal-client';

type Event = temporal.api.history.v1.IHistoryEvent;

/** One readable line per meaningful history event: what was scheduled, how it ended, which signal came. */
export function describeEvent(e: Event): string | null {
  const a = e.activityTaskScheduledEventAttributes ?? undefined;
  if (a) return `${a.activityType?.name ?? '?'} scheduled on ${a.taskQueue?.name ?? '?'}`;
  if (e.activityTaskFailedEventAttributes)
    return `activity failed: ${e.activityTaskFailedEventAttributes.failure?.applicationFailureInfo?.type ?? ''} ${e.activityTaskFailedEventAttributes.failure?.message ?? ''}`.trim();
  if (e.activityTaskCompletedEventAttributes) return 'activity completed';
  if (e.activityTaskTimedOutEventAttributes) return 'activity timed out';
  if (e.startChildWorkflowExecutionInitiatedEventAttributes)
    return `task workflow ${e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId ?? ''} started`;
  if (e.childWorkflowExecutionCompletedEventAttributes)
    return `task workflow ${e.childWorkflowExecutionCompletedEventAttributes.workflowExecution?.workflowId ?? ''} completed`;
  if (e.childWorkflowExecutionFailedEventAttributes)
    return `task workflow ${e.childWorkflowExecutionFailedEventAttributes.workflowExecution?.workflowId ?? ''} failed: ${e.childWorkflowExecutionFailedEventAttributes.failure?.message ?? ''}`;
  if (e.workflowExecutionSignaledEventAttributes)
    return `signal ${e.workflowExecutionSignaledEventAttributes.signalName ?? ''}`;
  if (e.timerStartedEventAttributes)
    return `waiting ${String(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0)}s`;
  if (e.workflowExecutionStartedEventAttributes) return 'started';
  if (e.workflowExecutionCompletedEventAttributes) return 'completed';
  if (e.workflowExecutionFailedEventAttributes)
    return `failed: ${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`;
  if (e.workflowExecutionCanceledEventAttributes) return 'cancelled';
  if (e.workflowExecutionContinuedAsNewEventAttributes) return 'continued as new';
  if (e.workflowExecutionCancelRequestedEventAttributes) return 'cancel requested';
  return null;
}

function failureClassOf(e: Event): string | undefined {
  const failure =
    e.activityTaskFailedEventAttributes?.failure ??
    e.childWorkflowExecutionFailedEventAttributes?.failure ??
    e.workflowExecutionFailedEventAttributes?.failure;
  let f = failure ?? undefined;
  // An activity failure wraps the ApplicationFailure of the activity as its cause.
  while (f && !f.applicationFailureInfo && f.cause) f = f.cause;
  return f?.applicationFailureInfo?.type || undefined;
}

/** The build's (or one task's, with `task`) Temporal history as readable lines. */
export async function buildLogs(
  ctx: ServiceContext,
  id: string,
  options: { task?: string } = {},
): Promise<BuildLogLine[]> {
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  const { temporal: proto } = await import('@temporalio/proto');
  const workflowId = options.task ? taskWorkflowId(id, options.task) : id;
  return withTemporal(ctx, async (client) => {
    let history;
    try {
      history = await client.workflow.getHandle(workflowId).fetchHistory();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new UserError(
          options.task
            ? `Build ${id} has no task "${options.task}" (yet). See its tasks with \`br build status ${id}\`.`
            : `No build "${id}". List builds with \`br build list\`.`,
        );
      throw err;
    }
    const lines: BuildLogLine[] = [];
    for (const e of history.events ?? []) {
      const detail = describeEvent(e);
      if (!detail) continue;
      const failureClass = failureClassOf(e);
      const seconds = Number(e.eventTime?.seconds ?? 0);
      lines.push({
        eventId: Number(e.eventId ?? 0),
        time: new Date(seconds * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6)).toISOString(),
        type: (proto.api.enums.v1.EventType[e.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, ''),
        detail,
        ...(failureClass ? { failureClass } : {}),
      });
    }
    return lines;
  });
}
