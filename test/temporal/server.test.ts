/**
 * Against a real Temporal server: TEMPORAL_ADDRESS, or a `temporal` CLI on PATH (started here with
 * TestWorkflowEnvironment.createLocal). Without either, every describe is skipped and says why.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createContext, type ServiceContext } from '../../services/context';
import { startBuild } from '../../services/builds';
import { progressQuery } from '../../workflows/messages';
import type { BuildResult } from '../../workflows/core/types';
import { startWorkers } from '../../worker/run';
import { buildInput, plannedTask } from './fixtures/builds';
import { fakeActivities } from './fixtures/fake-activities';
import { bundleForReplay } from './replay-setup';
import { makeRepo } from '../git/repo';

const binary = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).stdout.trim();
const available = Boolean(process.env.TEMPORAL_ADDRESS || binary);
const SKIP_REASON = 'skipped: no Temporal server (set TEMPORAL_ADDRESS or put the `temporal` CLI on PATH)';
const describeServer = available ? describe : describe.skip;
if (!available) console.warn(`test/temporal/server.test.ts ${SKIP_REASON}`);

let env: TestWorkflowEnvironment | undefined;
let address = process.env.TEMPORAL_ADDRESS ?? '';
let bundle: { code: string };

beforeAll(async () => {
  if (!available) return;
  bundle = await bundleForReplay();
  if (!address) {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: binary } },
    });
    address = env.address;
  }
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

function context(taskQueue: string, cwd = tmpdir()): ServiceContext {
  const ctx = createContext({ cwd, env: { TEMPORAL_ADDRESS: address } });
  ctx.config.temporal.taskQueue = taskQueue;
  ctx.config.temporal.modelTaskQueuePrefix = `${taskQueue}-claude-`;
  return ctx;
}

async function startRaw(ctx: ServiceContext, workflowId: string, tasks = 5) {
  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: ctx.config.temporal.namespace });
  const ids = ['a', 'b', 'c', 'd', 'e'].slice(0, tasks);
  const plan = ids.map((id, i) => plannedTask(id, i >= 2 ? [ids[i - 2]!] : []));
  const handle = await client.workflow.start('buildWorkflow', {
    workflowId,
    taskQueue: ctx.config.temporal.taskQueue,
    args: [{ ...buildInput(plan, { buildId: workflowId, parallel: 2 }) }],
    memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
  });
  return { handle, close: () => connection.close() };
}

describeServer(`a build on a real Temporal server${available ? '' : ` (${SKIP_REASON})`}`, () => {
  it('completes a 5-task build with fake activities', async () => {
    const ctx = context(`br-test-${Date.now()}`);
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
    const ctx = context(`br-test-restart-${Date.now()}`);
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
    const ctx = context(`br-test-attach-${Date.now()}`, repo.dir);
    const first = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    const second = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    expect(first.attached).toBe(false);
    expect(first.warnings).toEqual([expect.objectContaining({ code: 'NO_WORKER' })]);
    expect(second).toMatchObject({ attached: true, workflowId: first.workflowId, runId: first.runId });
    const { Client, Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address });
    await new Client({ connection }).workflow.getHandle(first.workflowId).terminate('test done');
    await connection.close();
    repo.cleanup();
  }, 60_000);
});
