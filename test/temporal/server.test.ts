/**
 * Against the run's real Temporal dev server (test/setup/temporal-global.ts): builds with fake
 * activities, a worker restart, and the attach-on-second-start rule.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createContext, type ServiceContext } from '../../lib/services/context';
import { startBuild } from '../../lib/services/builds';
import { progressQuery } from '../../workflows/messages';
import type { BuildResult } from '../../workflows/core/types';
import { startWorkers } from '../../worker/run';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { buildInput, plannedTask } from './fixtures/builds';
import { fakeActivities } from './fixtures/fake-activities';

let bundle: { code: string };

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
    const dir = mkdtempSync(path.join(tmpdir(), 'br-attach-'));
    writeFileSync(path.join(dir, 'PROJECT_SPEC.md'), `# Attach ${Date.now()}\n- [ ] one\n`);
    // No worker polls this queue: the build stays RUNNING between the two starts.
    const ctx = context(uniqueQueue('br-test-attach'), dir);
    const first = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    const second = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    expect(first.attached).toBe(false);
    expect(second).toMatchObject({ attached: true, workflowId: first.workflowId, runId: first.runId });
    const { client, close } = await connectClient();
    await client.workflow.getHandle(first.workflowId).terminate('test done');
    await close();
  }, 60_000);
});
