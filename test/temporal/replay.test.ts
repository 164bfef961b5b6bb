import { generateHistory, replayCommands, type HistoryScript, type SignalSent } from './history/generate';
import {
  buildActivity,
  buildInput,
  plannedTask,
  succeeded,
  taskActivity,
  taskInput,
} from './fixtures/builds';
import { bundleForReplay } from './replay-setup';

let bundle: { code: string };
beforeAll(async () => void (bundle = await bundleForReplay()), 120_000);

/** The parent's answer to a task's reservation request: grant what was asked. */
const grantEverything = (signal: SignalSent) =>
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

async function generateAndReplay(script: HistoryScript) {
  const generated = await generateHistory(bundle, script);
  const replayed = await replayCommands(bundle, generated.history, script.workflowId);
  expect(replayed.length).toBeGreaterThan(0);
  expect(replayed.every((a) => a.replaying)).toBe(true);
  return generated;
}

describe('task workflow replays', () => {
  it('falls back to another model after an overloaded agent call and replays deterministically', async () => {
    const generated = await generateAndReplay({
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
    });
    expect(generated.status).toBe('completed');
    const agents = generated.activities.filter((a) => a.activityType === 'runAgent');
    const models = agents.map((a) => (a.args[0] as { model: string }).model);
    expect(models).toHaveLength(2);
    expect(models[1]).not.toBe(models[0]);
    expect(agents.map((a) => a.taskQueue)).toEqual(models.map((m) => `fleet-claude-${m}`));
    expect(agents[0]!.summary).toContain('a · claude-haiku-5-5');
    expect(generated.result).toMatchObject({ taskId: 'a', outcome: 'SUCCEEDED', attempts: 2 });
    expect(generated.signalsSent.map((s) => s.signalName)).toContain('reportCost');
  });

  it('runs the worktree cleanup after a cancel arrives mid-agent, and ends CANCELLED', async () => {
    const generated = await generateAndReplay({
      workflowType: 'taskWorkflow',
      workflowId: 'build-shop-3f9a2c1d/task-b',
      args: [taskInput(plannedTask('b'))],
      activity: (call) => (call.activityType === 'runAgent' ? 'pending' : taskActivity(call)),
      onSignalSent: grantEverything,
      inbound: [{ atMs: 10 * 60_000, cancel: true }],
    });
    const types = generated.activities.map((a) => a.activityType);
    expect(types).toContain('cleanupTask');
    expect(types.indexOf('cleanupTask')).toBeGreaterThan(types.indexOf('runAgent'));
    expect(generated.history.events.map((e) => e.eventType)).toContain(
      'EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED',
    );
    expect(
      generated.status === 'completed' ? (generated.result as { outcome: string }).outcome : generated.status,
    ).toMatch(/CANCELLED|cancelled/);
  });
});

describe('build workflow replays', () => {
  const tasks = [plannedTask('a'), plannedTask('b', ['a']), plannedTask('c')];

  it('runs a 3-task build whose task b needed one fallback, starting b only after a', async () => {
    const generated = await generateAndReplay({
      workflowType: 'buildWorkflow',
      workflowId: 'build-shop-3f9a2c1d',
      args: [buildInput(tasks)],
      activity: buildActivity,
      child: (call) => {
        const id = call.workflowId.split('/task-')[1]!;
        return {
          result: id === 'b' ? succeeded(id, '0.9', 2, 'claude-sonnet-5-5') : succeeded(id),
          afterMs: 5 * 60_000,
        };
      },
    });
    expect(generated.status).toBe('completed');
    expect(generated.result).toMatchObject({ outcome: 'SUCCEEDED' });
    const started = generated.children.map((c) => c.workflowId);
    expect(started).toEqual([
      'build-shop-3f9a2c1d/task-a',
      'build-shop-3f9a2c1d/task-c',
      'build-shop-3f9a2c1d/task-b',
    ]);
    expect(generated.children[2]!.initiatedAt).toBeGreaterThanOrEqual(
      generated.children[0]!.initiatedAt + 5 * 60_000,
    );
    expect(generated.children[0]!.summary).toBe('a · Implement a');
  });

  it('cancels running tasks and ends CANCELLED when the cancel signal arrives', async () => {
    const generated = await generateAndReplay({
      workflowType: 'buildWorkflow',
      workflowId: 'build-shop-cancel',
      args: [buildInput(tasks)],
      activity: buildActivity,
      child: () => 'pending',
      childOnCancel: (call) => ({
        result: {
          taskId: call.workflowId.split('/task-')[1],
          outcome: 'CANCELLED',
          attempts: 1,
          costUsd: '0.1',
        },
      }),
      inbound: [{ atMs: 2 * 60_000, signal: { name: 'cancel', args: ['changed my mind'] } }],
    });
    expect(generated.result).toMatchObject({ outcome: 'CANCELLED' });
    const types = generated.history.events.map((e) => e.eventType);
    expect(
      types.filter((t) => t === 'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED'),
    ).toHaveLength(2);
    expect(generated.children.map((c) => c.workflowId)).not.toContain('build-shop-3f9a2c1d/task-b');
  });

  it('stops starting tasks once the budget is spent and ends BUDGET_EXHAUSTED when no raise comes', async () => {
    const generated = await generateAndReplay({
      workflowType: 'buildWorkflow',
      workflowId: 'build-shop-budget',
      args: [buildInput(tasks, { budgetUsd: '1', parallel: 1, budgetWaitMs: 60 * 60_000 })],
      activity: buildActivity,
      onChildStarted: (call) => {
        const taskId = call.workflowId.split('/task-')[1]!;
        return [
          { atMs: 1000, signal: { name: 'requestReservation', args: [{ taskId, attempt: 1, usd: '0.5' }] } },
          { atMs: 60_000, signal: { name: 'reportCost', args: [{ taskId, attempt: 1, usd: '1.5' }] } },
        ];
      },
      child: (call) => ({
        result: succeeded(call.workflowId.split('/task-')[1]!, '1.5'),
        afterMs: 2 * 60_000,
      }),
    });
    expect(generated.result).toMatchObject({ outcome: 'BUDGET_EXHAUSTED' });
    expect(generated.children).toHaveLength(1);
    expect(generated.signalsSent.map((s) => s.signalName)).toContain('grant');
  });
});
