/**
 * The workflow scenarios the replay tests generate and the recorded fixtures freeze: one script per
 * scenario, shared so test/temporal/replay.test.ts (generate from today's code) and
 * history/record-fixtures.ts (write test/temporal/fixtures/histories/<name>.json) run the same thing.
 */
import {
  buildActivity,
  buildInput,
  plannedTask,
  succeeded,
  taskActivity,
  taskInput,
} from '../fixtures/builds';
import type { HistoryScript, SignalSent } from './generate';

/** The parent's answer to a task's reservation request: grant what was asked. */
export const grantEverything = (signal: SignalSent) =>
  signal.signalName === 'requestReservation'
    ? [
        {
          atMs: 50,
          signal: {
            name: 'grant',
            args: [
              { ...(signal.args[0] as object), granted: true, usd: (signal.args[0] as { usd: string }).usd },
            ],
          },
        },
      ]
    : [];

const buildTasks = [plannedTask('a'), plannedTask('b', ['a']), plannedTask('c')];
const taskIdOf = (workflowId: string) => workflowId.split('/task-')[1]!;

/** Task a: the first agent call fails OVERLOADED, the second model succeeds. */
export const taskFallbackAfterOverloaded: HistoryScript = {
  workflowType: 'taskWorkflow',
  workflowId: 'build-shop-3f9a2c1d/task-a',
  args: [taskInput(plannedTask('a'))],
  memo: { modelTaskQueuePrefix: 'fleet-claude-' },
  activity: (call) =>
    taskActivity(call, (_model, attempt) =>
      attempt === 1
        ? {
            failure: {
              type: 'OVERLOADED',
              message: 'overloaded',
              details: [{ costUsd: '0', model: 'claude-haiku-5-5' }],
            },
          }
        : undefined!,
    ),
  onSignalSent: grantEverything,
};

/** Task b: a workflow cancel arrives while the agent runs; the worktree cleanup must still run. */
export const taskCancelMidAgent: HistoryScript = {
  workflowType: 'taskWorkflow',
  workflowId: 'build-shop-3f9a2c1d/task-b',
  args: [taskInput(plannedTask('b'))],
  activity: (call) => (call.activityType === 'runAgent' ? 'pending' : taskActivity(call)),
  onSignalSent: grantEverything,
  inbound: [{ atMs: 10 * 60_000, cancel: true }],
};

/** A 3-task build (b depends on a) whose child b needed one fallback. */
export const buildThreeTasksWithFallbackChild: HistoryScript = {
  workflowType: 'buildWorkflow',
  workflowId: 'build-shop-3f9a2c1d',
  args: [buildInput(buildTasks)],
  activity: buildActivity,
  child: (call) => {
    const id = taskIdOf(call.workflowId);
    return {
      result: id === 'b' ? succeeded(id, '0.9', 2, 'claude-sonnet-5-5') : succeeded(id),
      afterMs: 5 * 60_000,
    };
  },
};

/** The cancel signal arrives while tasks a and c run. */
export const buildCancel: HistoryScript = {
  workflowType: 'buildWorkflow',
  workflowId: 'build-shop-cancel',
  args: [buildInput(buildTasks)],
  activity: buildActivity,
  child: () => 'pending',
  childOnCancel: (call) => ({
    result: { taskId: taskIdOf(call.workflowId), outcome: 'CANCELLED', attempts: 1, costUsd: '0.1' },
  }),
  inbound: [{ atMs: 2 * 60_000, signal: { name: 'cancel', args: ['changed my mind'] } }],
};

/** A $1 budget that the first task overspends; no raise comes within the wait. */
export const buildBudgetStop: HistoryScript = {
  workflowType: 'buildWorkflow',
  workflowId: 'build-shop-budget',
  args: [buildInput(buildTasks, { budgetUsd: '1', parallel: 1, budgetWaitMs: 60 * 60_000 })],
  activity: buildActivity,
  onChildStarted: (call) => {
    const taskId = taskIdOf(call.workflowId);
    return [
      { atMs: 1000, signal: { name: 'requestReservation', args: [{ taskId, attempt: 1, usd: '0.5' }] } },
      { atMs: 60_000, signal: { name: 'reportCost', args: [{ taskId, attempt: 1, usd: '1.5' }] } },
    ];
  },
  child: (call) => ({ result: succeeded(taskIdOf(call.workflowId), '1.5'), afterMs: 2 * 60_000 }),
};

/** Fixture file name (test/temporal/fixtures/histories/<name>.json) → scenario. */
export const RECORDED_SCENARIOS: Record<string, HistoryScript> = {
  'task-fallback-after-overloaded': taskFallbackAfterOverloaded,
  'task-cancel-mid-agent': taskCancelMidAgent,
  'build-three-tasks-fallback-child': buildThreeTasksWithFallbackChild,
  'build-cancel': buildCancel,
  'build-budget-stop': buildBudgetStop,
};
