/**
 * Generates a Temporal event history by running the real workflow code in the replay sandbox one
 * workflow task at a time: replay what exists, read the commands the final task produced (through the
 * recorder interceptor), append the events a server would write for them, resolve the next due
 * activity/timer/child/signal on a virtual clock as the script says, and repeat until the workflow
 * closes. The result replays in the real sandbox with the determinism checker, and is what a server
 * would have recorded for the same activity outcomes.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { EventLog, toJsonPayload, payloads, type FailureSpec } from './events';
import { applyCommand, type Pending } from './commands';
import type { RecordedActivation } from './recorder';

export interface ActivityCall {
  seq: number;
  activityId: string;
  activityType: string;
  args: unknown[];
  taskQueue: string;
  summary?: string;
  scheduledAt: number;
}

export interface ChildCall {
  seq: number;
  workflowId: string;
  workflowType: string;
  args: unknown[];
  taskQueue: string;
  summary?: string;
  parentClosePolicy?: unknown;
  initiatedAt: number;
}

export interface SignalSent {
  workflowId: string;
  signalName: string;
  args: unknown[];
}

/** What happens to a scheduled activity or child: `afterMs` of virtual time later (default 1 s). */
export type Outcome =
  | { result?: unknown; afterMs?: number }
  | { failure: FailureSpec; afterMs?: number }
  | { cancelled: true; afterMs?: number }
  | 'pending';

export interface Inbound {
  /** Virtual ms after the workflow started. */
  atMs: number;
  signal?: { name: string; args: unknown[] };
  cancel?: true;
}

export interface HistoryScript {
  workflowType: string;
  workflowId: string;
  taskQueue?: string;
  args: unknown[];
  memo?: Record<string, unknown>;
  startTime?: number;
  activity?(call: ActivityCall): Outcome;
  child?(call: ChildCall): Outcome;
  /** What a cancelled child ends with (default: cancelled). */
  childOnCancel?(call: ChildCall): Outcome;
  /** Reacts to a child having started (e.g. the child's own signals to its parent): inbound events to add. */
  onChildStarted?(call: ChildCall, nowMs: number): Inbound[];
  /** Reacts to a signal the workflow sent (e.g. a parent answering a child): inbound events to add. */
  onSignalSent?(signal: SignalSent, nowMs: number): Inbound[];
  inbound?: Inbound[];
  /** Stop with status 'open' after this many workflow tasks (a truncated history). */
  maxWorkflowTasks?: number;
}

export type CloseStatus = 'completed' | 'failed' | 'cancelled' | 'continuedAsNew' | 'open';

export interface GeneratedHistory {
  history: { events: EventLog['events'] };
  status: CloseStatus;
  result?: unknown;
  failure?: { message?: string; type?: string };
  activities: ActivityCall[];
  children: ChildCall[];
  signalsSent: SignalSent[];
  workflowTasks: number;
}

export async function replayCommands(
  workflowBundle: { code: string },
  history: unknown,
  workflowId: string,
): Promise<RecordedActivation[]> {
  const recorded: RecordedActivation[] = [];
  await Worker.runReplayHistory(
    {
      workflowBundle,
      sinks: {
        historyRecorder: {
          activation: {
            fn: (_info, record: RecordedActivation) => void recorded.push(record),
            callDuringReplay: true,
          },
        },
      },
    },
    historyFromJSON(history),
    workflowId,
  );
  return recorded;
}

export async function generateHistory(
  workflowBundle: { code: string },
  script: HistoryScript,
): Promise<GeneratedHistory> {
  const start = script.startTime ?? Date.UTC(2026, 0, 5, 9, 0, 0);
  const log = new EventLog(start);
  const taskQueue = script.taskQueue ?? 'buildrunner';
  const pending: Pending = { activities: new Map(), timers: new Map(), children: new Map(), due: [] };
  const out: GeneratedHistory = {
    history: log.toJSON(),
    status: 'open',
    activities: [],
    children: [],
    signalsSent: [],
    workflowTasks: 0,
  };
  const inbound = [...(script.inbound ?? [])].map((i) => ({ ...i, atMs: start + i.atMs }));

  log.add('workflowExecutionStarted', {
    workflowType: { name: script.workflowType },
    taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: payloads(script.args),
    workflowTaskTimeout: '10s',
    originalExecutionRunId: `run-${script.workflowId}`,
    firstExecutionRunId: `run-${script.workflowId}`,
    identity: 'history-generator',
    attempt: 1,
    header: {},
    ...(script.memo
      ? {
          memo: {
            fields: Object.fromEntries(Object.entries(script.memo).map(([k, v]) => [k, toJsonPayload(v)])),
          },
        }
      : {}),
  });
  const startWorkflowTask = () => {
    const scheduledEventId = log.add('workflowTaskScheduled', {
      taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      startToCloseTimeout: '10s',
      attempt: 1,
    });
    const startedEventId = log.add('workflowTaskStarted', {
      scheduledEventId: String(scheduledEventId),
      identity: 'history-generator',
      requestId: `wft-${scheduledEventId}`,
    });
    return { scheduledEventId, startedEventId };
  };

  let wft = startWorkflowTask();
  for (;;) {
    const recorded = await replayCommands(workflowBundle, log.toJSON(), script.workflowId);
    const commands = recorded.filter((r) => !r.replaying).flatMap((r) => r.commands);
    out.workflowTasks += 1;
    const completedId = log.add('workflowTaskCompleted', {
      scheduledEventId: String(wft.scheduledEventId),
      startedEventId: String(wft.startedEventId),
      identity: 'history-generator',
    });
    for (const command of commands) {
      const closed = applyCommand(command as Record<string, unknown>, {
        log,
        completedId,
        pending,
        script,
        out,
        addInbound: (items) => inbound.push(...items.map((i) => ({ ...i, atMs: log.clockMs + i.atMs }))),
      });
      if (closed) return out;
    }
    if (script.maxWorkflowTasks !== undefined && out.workflowTasks >= script.maxWorkflowTasks) return out;

    const nextDue = Math.min(...pending.due.map((d) => d.at), ...inbound.map((i) => i.atMs));
    if (!Number.isFinite(nextDue)) {
      const waiting = [...pending.activities.values()].map((a) => a.call.activityType);
      throw new Error(
        `The workflow is blocked after ${out.workflowTasks} workflow tasks with nothing scheduled to happen ` +
          `(pending activities: ${waiting.join(', ') || 'none'}, children: ${pending.children.size}, timers: ${pending.timers.size}).`,
      );
    }
    log.clockMs = Math.max(log.clockMs, nextDue);
    for (const item of pending.due.filter((d) => d.at <= log.clockMs)) {
      pending.due.splice(pending.due.indexOf(item), 1);
      item.resolve();
    }
    for (const item of inbound.filter((i) => i.atMs <= log.clockMs)) {
      inbound.splice(inbound.indexOf(item), 1);
      if (item.signal)
        log.add('workflowExecutionSignaled', {
          signalName: item.signal.name,
          input: payloads(item.signal.args),
          identity: 'history-generator',
          header: {},
        });
      if (item.cancel)
        log.add('workflowExecutionCancelRequested', {
          cause: 'cancelled by test',
          identity: 'history-generator',
        });
    }
    wft = startWorkflowTask();
  }
}

export { toJsonPayload };
