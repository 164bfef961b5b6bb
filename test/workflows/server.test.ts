/**
 * Against the run's real Temporal dev server (test/setup/temporal-global.ts): builds with fake
 * activities, a worker restart, and the attach-on-second-start rule.
 */
import { tmpdir } from 'node:os';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createContext, type ServiceContext } from '../../services/context';
import { startBuild } from '../../services/builds';
import { progressQuery, raiseBudgetUpdate } from '../../workflows/messages';
import { runBr } from '../helpers/cli';
import type { BuildResult } from '../../workflows/core/types';
import { startWorkers, type WorkflowBundle } from '../../worker/run';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';
import { makeRepo } from '../fixtures/repo';

let bundle: WorkflowBundle;

function context(taskQueue: string, cwd = tmpdir()): ServiceContext {
  const ctx = createContext({ cwd, env: { TEMPORAL_ADDRESS: serverAddress() } });
  ctx.config.temporal.taskQueue = taskQueue;
  ctx.config.temporal.modelTaskQueuePrefix = `${taskQueue}-claude-`;
  return ctx;
}

async function startRaw(ctx: ServiceContext, workflowId: string, tasks = 5) {
  const { client, close } = await connectClient(ctx.config.temporal.namespace);
  const ids = ['a', 'b', 'c', 'd', 'e'].slice(0, tasks);
  const plan = ids.map((id, i) => plannedTask(id, i >= 2 ? [ids[i - 2]!] : []));
  const handle = await client.workflow.start('buildWorkflow', {
    workflowId,
    taskQueue: ctx.config.temporal.taskQueue,
    args: [{ ...buildInput(plan, { buildId: workflowId, parallel: 2 }) }],
    memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
  });
  return { handle, close };
}

describeServer('a build on a real Temporal server', () => {
  beforeAll(async () => void (bundle = await serverBundle()), 180_000);

  it('completes a 5-task build with fake activities', async () => {
    const ctx = context(uniqueQueue('br-test'));
    const fakes = fakeActivities();
    const workers = await startWorkers(ctx, { activities: fakes.activities, workflowBundle: bundle });
    const { handle, close } = await startRaw(ctx, `build-five-${Date.now()}`);
    try {
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.tasks.SUCCEEDED).toBe(5);
      expect([...fakes.agentCalls.values()]).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await close();
      await workers.shutdown();
    }
  }, 120_000);

  it('finishes a build on a second worker after the first stops mid-build, without re-running finished tasks', async () => {
    const ctx = context(uniqueQueue('br-test-restart'));
    const fakes = fakeActivities(1500);
    const first = await startWorkers(ctx, { activities: fakes.activities, workflowBundle: bundle });
    const { handle, close } = await startRaw(ctx, `build-restart-${Date.now()}`);
    try {
      let done: string[] = [];
      for (let i = 0; i < 100 && done.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const p = await handle.query(progressQuery);
        done = p.tasks.filter((t) => t.state === 'SUCCEEDED').map((t) => t.id);
      }
      expect(done.length).toBeGreaterThanOrEqual(2);
      await first.shutdown();
      const second = await startWorkers(ctx, { activities: fakes.activities, workflowBundle: bundle });
      try {
        const result = (await handle.result()) as BuildResult;
        expect(result.outcome).toBe('SUCCEEDED');
        for (const id of done) expect(fakes.agentCalls.get(id)).toBe(1);
      } finally {
        await second.shutdown();
      }
    } finally {
      await close();
    }
  }, 180_000);

  it('attaches to the running build when the same build is started twice', async () => {
    const repo = makeRepo();
    repo.write('PROJECT_SPEC.md', `# Attach ${Date.now()}\n- [ ] one\n`);
    // No worker polls this queue: the build stays RUNNING between the two starts.
    const ctx = context(uniqueQueue('br-test-attach'), repo.dir);
    const first = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    const second = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    expect(first.attached).toBe(false);
    expect(first.warnings).toEqual([expect.objectContaining({ code: 'NO_WORKER' })]);
    expect(second).toMatchObject({ attached: true, workflowId: first.workflowId, runId: first.runId });
    const { client, close } = await connectClient();
    await client.workflow.getHandle(first.workflowId).terminate('test done');
    await close();
    repo.cleanup();
  }, 60_000);

  it('steers a running build: pause and budget raise answer with the new state, bad raises are rejected, resume and cancel reach it', async () => {
    const ctx = context(uniqueQueue('br-test-steer'));
    const fakes = fakeActivities(800);
    const workers = await startWorkers(ctx, { activities: fakes.activities, workflowBundle: bundle });
    const workflowId = `build-steer-${Date.now()}`;
    const { handle, close } = await startRaw(ctx, workflowId);
    const env = { TEMPORAL_ADDRESS: serverAddress() };
    try {
      const paused = await runBr(['build', 'pause', workflowId], { cwd: tmpdir(), env });
      expect(paused.code).toBe(0);
      expect(paused.stdout).toMatch(
        /Now: (planning|running), paused, \d task\(s\) running, \$[\d.]+ of \$20 spent/,
      );
      // Paused: running tasks finish, nothing new starts.
      await new Promise((r) => setTimeout(r, 2500));
      const held = await handle.query(progressQuery);
      expect(held.paused).toBe(true);
      expect(held.counts.RUNNING).toBe(0);
      expect(held.counts.PENDING).toBeGreaterThan(0);

      const raised = await runBr(['build', 'budget', workflowId, '--raise', '5'], { cwd: tmpdir(), env });
      expect(raised.stdout).toMatch(/Budget now \$25: \$[\d.]+ spent, \$[\d.]+ left; build (running|paused)/);
      // The workflow's own validator rejects what the CLI would never send; nothing reaches the history.
      await expect(handle.executeUpdate(raiseBudgetUpdate, { args: ['-3'] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const rejected = await handle
        .executeUpdate(raiseBudgetUpdate, { args: ['0'] })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((rejected as WorkflowUpdateFailedError).cause?.message).toMatch(/positive amount in USD.*"0"/);
      expect((await handle.query(progressQuery)).budget.limitUsd).toBe('25');

      expect((await runBr(['build', 'resume', workflowId], { cwd: tmpdir(), env })).code).toBe(0);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await handle.query(progressQuery)).counts.RUNNING).toBeGreaterThan(0);
      expect((await runBr(['build', 'cancel', workflowId], { cwd: tmpdir(), env })).code).toBe(0);
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('CANCELLED');
      const late = await runBr(['build', 'budget', workflowId, '--raise', '1'], { cwd: tmpdir(), env });
      expect(late.code).toBe(1);
      expect(late.stderr + late.stdout).toMatch(/budget is final/);
    } finally {
      await close();
      await workers.shutdown();
    }
  }, 120_000);
});
