import { generateHistory, replayCommands, type HistoryScript } from '../fixtures/temporal/history/generate';
import {
  buildBudgetStop,
  buildCancel,
  buildThreeTasksWithFallbackChild,
  taskCancelMidAgent,
  taskFallbackAfterOverloaded,
} from '../fixtures/temporal/history/scenarios';
import { bundleForReplay } from '../fixtures/temporal/replay-setup';
import type { WorkflowBundle } from '../../worker/run';

let bundle: WorkflowBundle;
beforeAll(async () => void (bundle = await bundleForReplay()), 120_000);

async function generateAndReplay(script: HistoryScript) {
  const generated = await generateHistory(bundle, script);
  const replayed = await replayCommands(bundle, generated.history, script.workflowId);
  expect(replayed.length).toBeGreaterThan(0);
  expect(replayed.every((a) => a.replaying)).toBe(true);
  return generated;
}

describe('task workflow replays', () => {
  it('falls back to another model after an overloaded agent call and replays deterministically', async () => {
    const generated = await generateAndReplay(taskFallbackAfterOverloaded);
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
    const generated = await generateAndReplay(taskCancelMidAgent);
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
  it('runs a 3-task build whose task b needed one fallback, starting b only after a', async () => {
    const generated = await generateAndReplay(buildThreeTasksWithFallbackChild);
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
    const generated = await generateAndReplay(buildCancel);
    expect(generated.result).toMatchObject({ outcome: 'CANCELLED' });
    const types = generated.history.events.map((e) => e.eventType);
    expect(
      types.filter((t) => t === 'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED'),
    ).toHaveLength(2);
    expect(generated.children.map((c) => c.workflowId)).not.toContain('build-shop-3f9a2c1d/task-b');
  });

  it('stops starting tasks once the budget is spent and ends BUDGET_EXHAUSTED when no raise comes', async () => {
    const generated = await generateAndReplay(buildBudgetStop);
    expect(generated.result).toMatchObject({ outcome: 'BUDGET_EXHAUSTED' });
    expect(generated.children).toHaveLength(1);
    expect(generated.signalsSent.map((s) => s.signalName)).toContain('grant');
  });
});
