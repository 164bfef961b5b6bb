/** Turns one workflow command from the sandbox into the events a Temporal server would record for it. */
import {
  applicationFailureJson,
  commandPayloadToJson,
  fromJsonPayload,
  payloads,
  protoDurationJson,
  protoDurationMs,
  type EventLog,
  type JsonPayload,
} from './events';
import type { ActivityCall, ChildCall, GeneratedHistory, HistoryScript, Inbound, Outcome } from './generate';

type Bytes = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };
// Commands are proto objects of many shapes; the generator reads them loosely, as a server would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Cmd = Record<string, any>;

export interface Pending {
  activities: Map<number, { call: ActivityCall; scheduledEventId: number }>;
  timers: Map<number, { startedEventId: number }>;
  children: Map<
    number,
    { call: ChildCall; initiatedEventId: number; startedEventId?: number; cancelRequested?: boolean }
  >;
  /** Things that happen on their own at a virtual time: completions, timer fires, acknowledgements. */
  due: { at: number; key: string; resolve(): void }[];
}

export interface CommandContext {
  log: EventLog;
  completedId: number;
  pending: Pending;
  script: HistoryScript;
  out: GeneratedHistory;
  addInbound(items: Inbound[]): void;
}

const decode = (list: Bytes[] | null | undefined): unknown[] =>
  (list ?? []).map((p) => fromJsonPayload(commandPayloadToJson(p)));
const encode = (list: Bytes[] | null | undefined) => ({ payloads: (list ?? []).map(commandPayloadToJson) });
const payloadMap = (map: Record<string, Bytes> | null | undefined): Record<string, JsonPayload> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, commandPayloadToJson(v)]));
const summaryOf = (cmd: Cmd): string | undefined => {
  const s = (cmd.userMetadata as { summary?: Bytes } | undefined)?.summary;
  return s ? (fromJsonPayload(commandPayloadToJson(s)) as string) : undefined;
};
const afterMs = (o: Outcome) => (o === 'pending' ? Infinity : (o.afterMs ?? 1000));

function failureOf(raw: Cmd | undefined): Record<string, unknown> {
  const info = raw?.applicationFailureInfo as { type?: string; nonRetryable?: boolean } | undefined;
  return {
    message: String(raw?.message ?? ''),
    source: 'TypeScriptSDK',
    ...(info ? { applicationFailureInfo: { type: info.type ?? '', nonRetryable: !!info.nonRetryable } } : {}),
  };
}

/**
 * The replay worker puts its own queue (`fake_replay_queue-<n>`, n counting replay workers in the process)
 * on commands that inherit the workflow's queue; a server would have recorded the workflow's queue, and the
 * recorded fixtures must not change bytes with the order histories were generated in.
 */
const queueOf = (taskQueue: string, script: CommandContext['script']) =>
  /^fake_replay_queue-\d+$/.test(taskQueue) ? (script.taskQueue ?? 'buildrunner') : taskQueue;

/** Appends the command's events; returns true when it closed the workflow. */
export function applyCommand(wrapper: Cmd, ctx: CommandContext): boolean {
  const { log, completedId, pending, script, out } = ctx;
  const wftId = String(completedId);
  const [kind, cmd] = Object.entries(wrapper).find(
    ([k, v]) => v && k !== 'userMetadata' && k !== 'eventGroupMarkers',
  ) as [string, Cmd];
  switch (kind) {
    case 'scheduleActivity': {
      const call: ActivityCall = {
        seq: cmd.seq,
        activityId: cmd.activityId,
        activityType: cmd.activityType,
        args: decode(cmd.arguments),
        taskQueue: queueOf(cmd.taskQueue, script),
        summary: summaryOf(wrapper),
        scheduledAt: log.clockMs,
      };
      out.activities.push(call);
      const scheduledEventId = log.add('activityTaskScheduled', {
        activityId: cmd.activityId,
        activityType: { name: cmd.activityType },
        taskQueue: { name: call.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        header: {},
        input: encode(cmd.arguments),
        scheduleToCloseTimeout: protoDurationJson(cmd.scheduleToCloseTimeout),
        startToCloseTimeout: protoDurationJson(cmd.startToCloseTimeout),
        heartbeatTimeout: protoDurationJson(cmd.heartbeatTimeout),
        workflowTaskCompletedEventId: wftId,
      });
      pending.activities.set(call.seq, { call, scheduledEventId });
      const outcome = script.activity?.(call) ?? { result: undefined };
      pending.due.push({
        at: log.clockMs + afterMs(outcome),
        key: `activity:${call.seq}`,
        resolve: () => {
          pending.activities.delete(call.seq);
          const startedEventId = log.add('activityTaskStarted', {
            scheduledEventId: String(scheduledEventId),
            identity: 'history-generator',
            attempt: 1,
          });
          const ids = { scheduledEventId: String(scheduledEventId), startedEventId: String(startedEventId) };
          if (outcome !== 'pending' && 'failure' in outcome)
            log.add('activityTaskFailed', {
              ...ids,
              failure: applicationFailureJson(outcome.failure),
              retryState: 'RETRY_STATE_NON_RETRYABLE_FAILURE',
            });
          else if (outcome !== 'pending' && 'cancelled' in outcome) log.add('activityTaskCanceled', ids);
          else
            log.add('activityTaskCompleted', {
              ...ids,
              result: payloads([outcome === 'pending' ? undefined : outcome.result]),
            });
        },
      });
      return false;
    }
    case 'requestCancelActivity': {
      const activity = pending.activities.get(cmd.seq);
      if (!activity) return false;
      const requestId = log.add('activityTaskCancelRequested', {
        scheduledEventId: String(activity.scheduledEventId),
        workflowTaskCompletedEventId: wftId,
      });
      const i = pending.due.findIndex((d) => d.key === `activity:${cmd.seq}`);
      if (i >= 0) pending.due.splice(i, 1);
      pending.activities.delete(cmd.seq);
      pending.due.push({
        at: log.clockMs,
        key: `activity-cancel:${cmd.seq}`,
        resolve: () =>
          void log.add('activityTaskCanceled', {
            scheduledEventId: String(activity.scheduledEventId),
            latestCancelRequestedEventId: String(requestId),
          }),
      });
      return false;
    }
    case 'startTimer': {
      const startedEventId = log.add('timerStarted', {
        timerId: String(cmd.seq),
        startToFireTimeout: protoDurationJson(cmd.startToFireTimeout),
        workflowTaskCompletedEventId: wftId,
      });
      pending.timers.set(cmd.seq, { startedEventId });
      pending.due.push({
        at: log.clockMs + protoDurationMs(cmd.startToFireTimeout),
        key: `timer:${cmd.seq}`,
        resolve: () => {
          pending.timers.delete(cmd.seq);
          log.add('timerFired', { timerId: String(cmd.seq), startedEventId: String(startedEventId) });
        },
      });
      return false;
    }
    case 'cancelTimer': {
      const timer = pending.timers.get(cmd.seq);
      if (!timer) return false;
      pending.timers.delete(cmd.seq);
      pending.due.splice(
        pending.due.findIndex((d) => d.key === `timer:${cmd.seq}`),
        1,
      );
      log.add('timerCanceled', {
        timerId: String(cmd.seq),
        startedEventId: String(timer.startedEventId),
        workflowTaskCompletedEventId: wftId,
        identity: 'history-generator',
      });
      return false;
    }
    case 'startChildWorkflowExecution':
      startChild(cmd, wrapper, ctx);
      return false;
    case 'cancelChildWorkflowExecution':
      cancelChild(cmd.childWorkflowSeq as number, ctx);
      return false;
    case 'signalExternalWorkflowExecution': {
      const workflowId = (cmd.childWorkflowId as string) || (cmd.workflowExecution?.workflowId as string);
      const signal = { workflowId, signalName: cmd.signalName as string, args: decode(cmd.args) };
      out.signalsSent.push(signal);
      const initiatedEventId = log.add('signalExternalWorkflowExecutionInitiated', {
        workflowTaskCompletedEventId: wftId,
        namespace: 'default',
        workflowExecution: { workflowId },
        signalName: signal.signalName,
        input: encode(cmd.args),
        childWorkflowOnly: !!cmd.childWorkflowId,
        header: {},
      });
      pending.due.push({
        at: log.clockMs,
        key: `signal:${cmd.seq}`,
        resolve: () => {
          log.add('externalWorkflowExecutionSignaled', {
            initiatedEventId: String(initiatedEventId),
            namespace: 'default',
            workflowExecution: { workflowId },
          });
          ctx.addInbound(script.onSignalSent?.(signal, log.clockMs) ?? []);
        },
      });
      return false;
    }
    case 'upsertWorkflowSearchAttributes':
      log.add('upsertWorkflowSearchAttributes', {
        workflowTaskCompletedEventId: wftId,
        searchAttributes: {
          indexedFields: payloadMap(cmd.searchAttributes?.indexedFields ?? cmd.searchAttributes),
        },
      });
      return false;
    case 'modifyWorkflowProperties':
      log.add('workflowPropertiesModified', {
        workflowTaskCompletedEventId: wftId,
        upsertedMemo: { fields: payloadMap(cmd.upsertedMemo?.fields) },
      });
      return false;
    case 'completeWorkflowExecution':
      log.add('workflowExecutionCompleted', {
        result: encode(cmd.result ? [cmd.result] : []),
        workflowTaskCompletedEventId: wftId,
      });
      out.status = 'completed';
      out.result = decode(cmd.result ? [cmd.result] : [])[0];
      return true;
    case 'failWorkflowExecution':
      log.add('workflowExecutionFailed', {
        failure: failureOf(cmd.failure),
        retryState: 'RETRY_STATE_RETRY_POLICY_NOT_SET',
        workflowTaskCompletedEventId: wftId,
      });
      out.status = 'failed';
      out.failure = { message: cmd.failure?.message, type: cmd.failure?.applicationFailureInfo?.type };
      return true;
    case 'cancelWorkflowExecution':
      log.add('workflowExecutionCanceled', { workflowTaskCompletedEventId: wftId });
      out.status = 'cancelled';
      return true;
    case 'continueAsNewWorkflowExecution':
      log.add('workflowExecutionContinuedAsNew', {
        newExecutionRunId: `run-${script.workflowId}-next`,
        workflowType: { name: cmd.workflowType || script.workflowType },
        taskQueue: {
          name: cmd.taskQueue || script.taskQueue || 'buildrunner',
          kind: 'TASK_QUEUE_KIND_NORMAL',
        },
        input: encode(cmd.arguments),
        workflowTaskCompletedEventId: wftId,
        initiator: 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW',
      });
      out.status = 'continuedAsNew';
      out.result = decode(cmd.arguments)[0];
      return true;
    default:
      throw new Error(`The history generator does not know the workflow command "${kind}" yet.`);
  }
}

function startChild(cmd: Cmd, wrapper: Cmd, ctx: CommandContext): void {
  const { log, pending, script, out } = ctx;
  const call: ChildCall = {
    seq: cmd.seq,
    workflowId: cmd.workflowId,
    workflowType: cmd.workflowType,
    args: decode(cmd.input),
    taskQueue: queueOf(cmd.taskQueue, script),
    summary: summaryOf(wrapper),
    parentClosePolicy: cmd.parentClosePolicy,
    initiatedAt: log.clockMs,
  };
  out.children.push(call);
  const initiatedEventId = log.add('startChildWorkflowExecutionInitiated', {
    namespace: 'default',
    workflowId: call.workflowId,
    workflowType: { name: call.workflowType },
    taskQueue: { name: call.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: encode(cmd.input),
    workflowTaskCompletedEventId: String(ctx.completedId),
    header: {},
  });
  const entry: Pending['children'] extends Map<number, infer V> ? V : never = { call, initiatedEventId };
  pending.children.set(call.seq, entry);
  const execution = { workflowId: call.workflowId, runId: `run-${call.workflowId}` };
  const outcome = script.child?.(call) ?? { result: undefined };
  pending.due.push({
    at: log.clockMs,
    key: `child-start:${call.seq}`,
    resolve: () => {
      entry.startedEventId = log.add('childWorkflowExecutionStarted', {
        namespace: 'default',
        initiatedEventId: String(initiatedEventId),
        workflowExecution: execution,
        workflowType: { name: call.workflowType },
        header: {},
      });
      ctx.addInbound(script.onChildStarted?.(call, log.clockMs) ?? []);
      pending.due.push({
        at: log.clockMs + afterMs(outcome),
        key: `child:${call.seq}`,
        resolve: () => finishChild(entry, outcome, ctx),
      });
    },
  });
}

function finishChild(
  entry: Pending['children'] extends Map<number, infer V> ? V : never,
  outcome: Outcome,
  ctx: CommandContext,
): void {
  const { log, pending } = ctx;
  pending.children.delete(entry.call.seq);
  const common = {
    namespace: 'default',
    workflowExecution: { workflowId: entry.call.workflowId, runId: `run-${entry.call.workflowId}` },
    workflowType: { name: entry.call.workflowType },
    initiatedEventId: String(entry.initiatedEventId),
    startedEventId: String(entry.startedEventId),
  };
  if (outcome === 'pending') throw new Error(`child ${entry.call.workflowId} cannot finish while pending`);
  if ('failure' in outcome)
    log.add('childWorkflowExecutionFailed', {
      ...common,
      failure: applicationFailureJson(outcome.failure),
      retryState: 'RETRY_STATE_NON_RETRYABLE_FAILURE',
    });
  else if ('cancelled' in outcome) log.add('childWorkflowExecutionCanceled', common);
  else log.add('childWorkflowExecutionCompleted', { ...common, result: payloads([outcome.result]) });
}

function cancelChild(seq: number, ctx: CommandContext): void {
  const { log, pending, script } = ctx;
  const entry = pending.children.get(seq);
  if (!entry || entry.cancelRequested) return;
  entry.cancelRequested = true;
  const workflowExecution = { workflowId: entry.call.workflowId, runId: `run-${entry.call.workflowId}` };
  const initiatedEventId = log.add('requestCancelExternalWorkflowExecutionInitiated', {
    workflowTaskCompletedEventId: String(ctx.completedId),
    namespace: 'default',
    workflowExecution,
    childWorkflowOnly: true,
  });
  const i = pending.due.findIndex((d) => d.key === `child:${seq}`);
  if (i >= 0) pending.due.splice(i, 1);
  const outcome = script.childOnCancel?.(entry.call) ?? { cancelled: true as const };
  pending.due.push({
    at: log.clockMs,
    key: `child-cancel:${seq}`,
    resolve: () => {
      log.add('externalWorkflowExecutionCancelRequested', {
        initiatedEventId: String(initiatedEventId),
        namespace: 'default',
        workflowExecution,
      });
      pending.due.push({
        at: log.clockMs + afterMs(outcome),
        key: `child:${seq}`,
        resolve: () => finishChild(entry, outcome, ctx),
      });
    },
  });
}
