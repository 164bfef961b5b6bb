import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { AgentProgress } from '../lib/contracts';
import { taskWorkflowId } from '../lib/ids';
import type { BuildWorkflowInput } from '../workflows/core/types';
import type { BuildShape } from './forecast';
import {
  pendingSaysAll,
  runningTaskNow,
  type PendingStep,
  type RecentEvent,
  type TaskNow,
} from './task-step';

/**
 * Reads a running task's workflow from Temporal without touching it: `describe()` for the pending
 * activity and its heartbeat details, and the newest page of its history (read backwards) for the try's
 * model, attempt, timers and reservation requests. Two small calls per running task per refresh, one when
 * the agent runs and its heartbeat names the try (no history read then).
 */

const EventType = temporal.api.enums.v1.EventType;
const TimeoutType = temporal.api.enums.v1.TimeoutType;
type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null;
type Payloads = { payloads?: temporal.api.common.v1.IPayload[] | null } | null | undefined;

const HISTORY_PAGE = 60;

function ms(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds?.toString() ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

function first(payloads: Payloads): unknown {
  const p = payloads?.payloads?.[0];
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(p);
  } catch {
    return undefined;
  }
}

function reduceEvent(e: temporal.api.history.v1.IHistoryEvent): RecentEvent {
  switch (e.eventType) {
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const a = e.activityTaskScheduledEventAttributes!;
      return { type: 'activity-scheduled', activity: a.activityType?.name ?? '', input: first(a.input) };
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
      const f = e.activityTaskFailedEventAttributes?.failure;
      const type = f?.applicationFailureInfo?.type ?? f?.cause?.applicationFailureInfo?.type;
      return { type: 'activity-failed', ...(type ? { failureType: type } : {}) };
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
      const t = e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType;
      // As the workflow reads them (temporal-port.ts describeError): a missed heartbeat is a lost worker.
      return {
        type: 'activity-failed',
        failureType: t === TimeoutType.TIMEOUT_TYPE_HEARTBEAT ? 'NETWORK' : 'TIMEOUT',
      };
    }
    case EventType.EVENT_TYPE_TIMER_STARTED: {
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      return { type: 'timer-started', until: (ms(e.eventTime) ?? 0) + (ms(timeout) ?? 0) };
    }
    case EventType.EVENT_TYPE_TIMER_FIRED:
      return { type: 'timer-fired' };
    case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: {
      const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes!;
      return { type: 'signal-sent', signal: a.signalName ?? '', input: first(a.input) };
    }
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      return { type: 'started' };
    default:
      return { type: 'other' };
  }
}

export async function readRunningTask(client: Client, buildId: string, taskId: string): Promise<TaskNow> {
  const workflowId = taskWorkflowId(buildId, taskId);
  const described = await client.workflow.getHandle(workflowId).describe();
  const raw = described.raw.pendingActivities?.find((a) => a.activityType?.name) ?? undefined;
  const pending: PendingStep | undefined = raw
    ? {
        activity: raw.activityType!.name!,
        heartbeat: first(raw.heartbeatDetails) as Partial<AgentProgress> | undefined,
        attempt: raw.attempt ?? 1,
        ...(ms(raw.nextAttemptScheduleTime) ? { nextAttemptAt: ms(raw.nextAttemptScheduleTime)! } : {}),
        ...(raw.lastFailure?.message ? { lastFailure: raw.lastFailure.message } : {}),
      }
    : undefined;
  // A running agent (most of a task's time) heartbeats its model and attempt: its history is not read.
  if (pendingSaysAll(pending)) return runningTaskNow(pending, [], described.startTime.getTime());
  const history = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: HISTORY_PAGE,
  });
  const events = (history.history?.events ?? []).map(reduceEvent);
  return runningTaskNow(pending, events, described.startTime.getTime());
}

/** The settings the build runs with (parallel, routing, alert thresholds), from its start event. */
export async function readBuildShape(client: Client, buildId: string): Promise<BuildShape | null> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: buildId },
    maximumPageSize: 1,
  });
  const input = first(page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input) as
    Partial<BuildWorkflowInput> | undefined;
  if (!input?.parallel || !input.routing) return null;
  return { parallel: input.parallel, routing: input.routing, alertThresholds: input.alertThresholds ?? [] };
}
