import type { AgentProgress } from '../lib/contracts';
import { taskWorkflowId } from '../lib/ids';
import type { BuildWorkflowInput } from '../workflows/core/types';
import { liveProgress, type StatusSource } from './build-status-source';
import type { ProgressSnapshot } from './build-types';
import type { ServiceContext } from './context';
import type { BuildShape } from './forecast';
import { step, TEMPORAL_HINT } from './steps';
import {
  pendingSaysAll,
  runningTaskNow,
  type PendingStep,
  type RecentEvent,
  type TaskNow,
} from './task-step';
import { webUiLink } from './temporal-client';
import {
  HttpApiUnavailable,
  httpDuration,
  httpPayload,
  httpTime,
  openTemporalHttp,
  type HttpPayloads,
  type TemporalHttp,
} from './temporal-http';

/**
 * A running build read over Temporal's HTTP API (temporal-http.ts), without the gRPC client: the same
 * calls and the same reductions as the client path (build-status.ts temporalSource, task-reader.ts), on
 * proto JSON. Whatever this route cannot answer throws HttpApiUnavailable and the client path answers.
 */

const HISTORY_PAGE = 60;

interface Described {
  workflowExecutionInfo?: { status?: string; startTime?: string };
  pendingActivities?: {
    activityType?: { name?: string };
    heartbeatDetails?: HttpPayloads;
    attempt?: number;
    nextAttemptScheduleTime?: string;
    lastFailure?: { message?: string };
  }[];
}

interface Failure {
  applicationFailureInfo?: { type?: string };
  timeoutFailureInfo?: { timeoutType?: string };
  cause?: Failure;
}

interface HistoryEvent {
  eventType?: string;
  eventTime?: string;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; input?: HttpPayloads };
  activityTaskFailedEventAttributes?: { failure?: Failure };
  activityTaskTimedOutEventAttributes?: { failure?: Failure };
  timerStartedEventAttributes?: { startToFireTimeout?: string };
  signalExternalWorkflowExecutionInitiatedEventAttributes?: { signalName?: string; input?: HttpPayloads };
  workflowExecutionStartedEventAttributes?: { input?: HttpPayloads };
}

/** task-reader.ts reduceEvent, on proto JSON (enum names instead of numbers). */
export function reduceHttpEvent(e: HistoryEvent): RecentEvent {
  switch (e.eventType) {
    case 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED': {
      const a = e.activityTaskScheduledEventAttributes;
      return {
        type: 'activity-scheduled',
        activity: a?.activityType?.name ?? '',
        input: httpPayload(a?.input),
      };
    }
    case 'EVENT_TYPE_ACTIVITY_TASK_FAILED': {
      const f = e.activityTaskFailedEventAttributes?.failure;
      const type = f?.applicationFailureInfo?.type ?? f?.cause?.applicationFailureInfo?.type;
      return { type: 'activity-failed', ...(type ? { failureType: type } : {}) };
    }
    case 'EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT': {
      const t = e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType;
      return { type: 'activity-failed', failureType: t === 'TIMEOUT_TYPE_HEARTBEAT' ? 'NETWORK' : 'TIMEOUT' };
    }
    case 'EVENT_TYPE_TIMER_STARTED': {
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      return { type: 'timer-started', until: (httpTime(e.eventTime) ?? 0) + (httpDuration(timeout) ?? 0) };
    }
    case 'EVENT_TYPE_TIMER_FIRED':
      return { type: 'timer-fired' };
    case 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED': {
      const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
      return { type: 'signal-sent', signal: a?.signalName ?? '', input: httpPayload(a?.input) };
    }
    case 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED':
      return { type: 'started' };
    default:
      return { type: 'other' };
  }
}

async function readRunningTask(http: TemporalHttp, buildId: string, taskId: string): Promise<TaskNow> {
  const workflowId = taskWorkflowId(buildId, taskId);
  const described = await http.workflowGet<Described>(workflowId);
  const startedAt = httpTime(described.workflowExecutionInfo?.startTime) ?? 0;
  const raw = described.pendingActivities?.find((a) => a.activityType?.name);
  const nextAttemptAt = httpTime(raw?.nextAttemptScheduleTime);
  const pending: PendingStep | undefined = raw
    ? {
        activity: raw.activityType!.name!,
        heartbeat: httpPayload(raw.heartbeatDetails) as Partial<AgentProgress> | undefined,
        attempt: raw.attempt ?? 1,
        ...(nextAttemptAt ? { nextAttemptAt } : {}),
        ...(raw.lastFailure?.message ? { lastFailure: raw.lastFailure.message } : {}),
      }
    : undefined;
  if (pendingSaysAll(pending)) return runningTaskNow(pending, [], startedAt);
  const history = await http.workflowGet<{ history?: { events?: HistoryEvent[] } }>(
    workflowId,
    '/history-reverse',
    { maximumPageSize: String(HISTORY_PAGE) },
  );
  return runningTaskNow(pending, (history.history?.events ?? []).map(reduceHttpEvent), startedAt);
}

async function readBuildShape(http: TemporalHttp, buildId: string): Promise<BuildShape | null> {
  const page = await http.workflowGet<{ history?: { events?: HistoryEvent[] } }>(buildId, '/history', {
    maximumPageSize: '1',
  });
  const input = httpPayload(page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input) as
    Partial<BuildWorkflowInput> | undefined;
  if (!input?.parallel || !input.routing) return null;
  return { parallel: input.parallel, routing: input.routing, alertThresholds: input.alertThresholds ?? [] };
}

/** What the client path makes of a failed read, unless this route could not ask: then the client asks. */
function unlessUnavailable<T>(value: T): (err: unknown) => T {
  return (err) => {
    if (err instanceof HttpApiUnavailable) throw err;
    return value;
  };
}

/**
 * A RUNNING build over HTTP, or null: no HTTP API known, or the build is not running (a closed one is
 * answered from its result and the database by the client path), or not found (the client path says so).
 */
export async function httpSource(ctx: ServiceContext, id: string): Promise<StatusSource | null> {
  const http = openTemporalHttp(ctx);
  if (!http) return null;
  const where = `Temporal's HTTP API for ${ctx.config.temporal.address}`;
  const described = await step(where, TEMPORAL_HINT, () => http.workflowGet<Described>(id)).catch(() => null);
  if (described?.workflowExecutionInfo?.status !== 'WORKFLOW_EXECUTION_STATUS_RUNNING') return null;
  let shape: Promise<BuildShape | null> | undefined;
  return {
    progress: async () => {
      const answer = await step(
        `a worker to answer the build's progress query (${where} answered)`,
        `Check that \`br worker\` is running and polls the task queue "${ctx.config.temporal.taskQueue}".`,
        () =>
          http.workflowPost<{ queryResult?: HttpPayloads }>(id, '/query/progress', {
            query: { queryType: 'progress' },
          }),
      );
      const p = httpPayload(answer.queryResult) as ProgressSnapshot | undefined;
      if (!p) throw new Error(`the progress query of ${id} answered nothing`);
      return { ...liveProgress(p), webUiUrl: webUiLink(ctx, id) };
    },
    // As the client path: a task that ended between the query and this read has nothing more to say.
    running: (taskId) => readRunningTask(http, id, taskId).catch(unlessUnavailable(undefined)),
    shape: () => (shape ??= readBuildShape(http, id).catch(unlessUnavailable(null))),
    close: async () => {},
  };
}
