/**
 * The runtime port (workflows/core/port.ts) implemented with @temporalio/workflow: the build and task
 * bodies run unchanged on Temporal. Tasks are child workflows with readable ids; budget messages are
 * signals between child and parent; cancellation uses cancellation scopes so cleanup still runs.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  TemporalFailure,
  TimeoutFailure,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { ApprovalRequest } from '../lib/approval';
import type { FailureDetails } from '../lib/failures';
import { FailureClass } from '../lib/failures';
import { buildActivities } from './activity-profiles';
import {
  taskWorkflowId,
  type BuildPort,
  type DescribedError,
  type RuntimePort,
  type TaskPort,
} from './core/port';
import type { ProgressSnapshot } from './core/progress';
import { steeringUpdates } from './core/steering';
import type { BuildResult, BuildWorkflowInput, TaskResult, TaskState, TaskWorkflowInput } from './core/types';
import * as messages from './messages';

/** A parent this long in events continues as new even before the server suggests it (limit: 51,200). */
export const HISTORY_EVENTS_BEFORE_CONTINUE = 20_000;

export function describeError(err: unknown): DescribedError {
  if (isCancellation(err)) return { message: 'cancelled', cancelled: true };
  let cause: unknown = err;
  while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) {
    if (!cause.cause) break;
    cause = cause.cause;
  }
  if (cause instanceof ApplicationFailure)
    return {
      type: cause.type ?? undefined,
      message: cause.message,
      details: (cause.details?.[0] as FailureDetails | undefined) ?? undefined,
      cancelled: false,
    };
  // A missed heartbeat means the worker running the activity died or lost the server, not that the model
  // was slow: retry the same model (NETWORK), on whichever worker picks it up.
  if (cause instanceof TimeoutFailure && cause.timeoutType === 'HEARTBEAT')
    return {
      type: FailureClass.NETWORK,
      message: `worker lost: ${cause.message}`,
      details: { workerLost: true },
      cancelled: false,
    };
  // A start-to-close timeout: the same class as the API's own timeout (try a faster model).
  if (cause instanceof TimeoutFailure)
    return { type: FailureClass.TIMEOUT, message: cause.message, cancelled: false };
  return {
    message: err instanceof Error ? err.message : String(err),
    cancelled: false,
    ...(err instanceof TemporalFailure ? {} : { internal: true }),
  };
}

function runtimePort(): RuntimePort {
  return {
    // Workflow time: Date is deterministic inside the Temporal sandbox (the workflow task's start time).
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
    condition: async (fn, timeoutMs) =>
      timeoutMs === undefined ? (await condition(fn), true) : condition(fn, timeoutMs),
    activities: buildActivities(),
    describeError,
    nonCancellable: (fn) => CancellationScope.nonCancellable(fn),
    patched: (id) => patched(id),
  };
}

// "USD", not "$": the Web UI renders details as markdown, where two dollar signs open a math span.
function renderCounts(status: string, c: Record<TaskState, number>, spent: string, limit: string): string {
  return (
    `**${status}** · ${c.SUCCEEDED} done, ${c.RUNNING} running, ${c.PENDING} pending, ` +
    `${c.FAILED} failed, ${c.BLOCKED} blocked, ${c.CANCELLED} cancelled · ` +
    `USD ${spent} of ${limit} spent`
  );
}

function renderDetails(p: ProgressSnapshot): string {
  return renderCounts(p.status, p.counts, p.budget.spentUsd, p.budget.limitUsd);
}

/** The build's last current details: its outcome (otherwise the UI keeps showing the last waiting state). */
export function showFinalDetails(result: BuildResult): void {
  const s = result.summary;
  setCurrentDetails(renderCounts(s.outcome, s.tasks, s.spentUsd, s.budgetUsd));
}

/**
 * A task's priority on the task queues, one below its build's (issue 31): a build's workflow tasks, which
 * start the tasks that just became ready, go ahead of the tasks' own steps backlogged beside them. Lower
 * keys go first; 3 is Temporal's default, 5 its lowest. Undefined (inherit the build's) in older histories.
 */
function taskPriority(): { priorityKey: number } | undefined {
  if (!patched('task-priority-below-build')) return undefined;
  return { priorityKey: Math.min(5, (workflowInfo().priority?.priorityKey || 3) + 1) };
}

/** `cancelRequested` of the workflow's root scope: a Temporal cancel becomes the body's cancel. */
export function createBuildPort(rootCancelRequested: Promise<never>): BuildPort {
  const base = runtimePort();
  const children = new Map<string, ChildWorkflowHandle<(input: TaskWorkflowInput) => Promise<TaskResult>>>();
  let progress: (() => ProgressSnapshot) | undefined;
  // Current details are metadata, not history: refreshing them whenever the body waits is free and deterministic.
  const refreshDetails = () => {
    if (progress) setCurrentDetails(renderDetails(progress()));
  };
  return {
    ...base,
    condition: (fn, timeoutMs) => (refreshDetails(), base.condition(fn, timeoutMs)),
    workflowId: workflowInfo().workflowId,
    registerHandlers(h) {
      setHandler(messages.pauseSignal, () => h.pause());
      setHandler(messages.resumeSignal, () => h.resume());
      setHandler(messages.cancelSignal, (reason) => h.cancel(reason));
      setHandler(messages.raiseBudgetSignal, (usd) => h.raiseBudget(usd));
      setHandler(messages.requestReservationSignal, (msg) => h.requestReservation(msg));
      setHandler(messages.reportCostSignal, (msg) => h.reportCost(msg));
      setHandler(messages.progressQuery, () => h.progress());
      if (h.carryOn) setHandler(messages.carryOnQuery, () => h.carryOn!());
      progress = () => h.progress();
      // Updates for the steering a caller needs an answer to; rejected ones never reach the history.
      const { pause, raiseBudget, approve, reject } = steeringUpdates(h);
      for (const [def, u] of [
        [messages.approveUpdate, approve],
        [messages.rejectUpdate, reject],
      ] as const)
        setHandler(def, (req) => u.apply(req), { validator: (req: ApprovalRequest) => u.validate(req) });
      setHandler(messages.pauseUpdate, () => pause.apply(), { validator: () => pause.validate() });
      setHandler(messages.raiseBudgetUpdate, (usd) => raiseBudget.apply(usd), {
        validator: (usd: string) => raiseBudget.validate(usd),
      });
      // `temporal workflow cancel` (or the Web UI's cancel) means the same as the cancel signal: the body
      // stops cleanly, cancels its tasks and records the outcome, instead of dying mid-step.
      rootCancelRequested.catch(() => h.cancel('cancel requested through Temporal'));
    },
    async startTask(input) {
      // Each task in its own scope, so cancelling one task cancels only that child.
      const scope = new CancellationScope();
      const priority = taskPriority();
      const handle = await scope.run(() =>
        startChild('taskWorkflow', {
          workflowId: taskWorkflowId(input.buildId, input.task.id),
          args: [input],
          // A cancelled or terminated build must not leave tasks running (and spending) behind it.
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          // The task's cleanup (worktree removal, cost report) finishes before the build moves on.
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          staticSummary: `${input.task.id} · ${input.task.title}`,
          staticDetails: input.task.description,
          memo: { ...workflowInfo().memo },
          ...(priority ? { priority } : {}),
        }),
      );
      children.set(
        input.task.id,
        handle as ChildWorkflowHandle<(input: TaskWorkflowInput) => Promise<TaskResult>>,
      );
      const cancelled = (): TaskResult => ({
        taskId: input.task.id,
        outcome: 'CANCELLED',
        attempts: 0,
        costUsd: '0',
      });
      const result = scope
        .run(() => handle.result() as Promise<TaskResult>)
        .catch((err: unknown) => {
          if (describeError(err).cancelled) return cancelled();
          throw err;
        })
        .finally(() => children.delete(input.task.id));
      return { taskId: input.task.id, result, cancel: () => scope.cancel() };
    },
    async sendGrant(grant) {
      const child = children.get(grant.taskId);
      if (!child) return; // the task already ended; nothing waits for this answer
      // Not cancellable: a cancelling build still answers `granted: false` so its tasks stop cleanly.
      await CancellationScope.nonCancellable(() => child.signal(messages.grantSignal, grant)).catch(
        () => undefined,
      );
    },
    shouldContinueAsNew: () => {
      const info = workflowInfo();
      return info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_BEFORE_CONTINUE;
    },
    continueAsNew: (next: BuildWorkflowInput) =>
      continueAsNew<(input: BuildWorkflowInput) => Promise<unknown>>(next),
  };
}

export function createTaskPort(input: TaskWorkflowInput): TaskPort {
  const build = getExternalWorkflowHandle(input.buildWorkflowId);
  return {
    ...runtimePort(),
    registerHandlers(h) {
      setHandler(messages.grantSignal, (msg) => h.grant(msg));
    },
    requestReservation: (msg) => build.signal(messages.requestReservationSignal, msg),
    reportCost: (msg) => build.signal(messages.reportCostSignal, msg),
  };
}
