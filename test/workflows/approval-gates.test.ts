/**
 * The plan gate on Temporal. On the time-skipping test server: an unanswered gate is ended by its
 * durable timer after timeoutHours of workflow time (seconds of real time). On the dev server: the
 * approve / reject Updates through `br`, their validators' refusals, and idempotence per request id.
 */
import { tmpdir } from 'node:os';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createContext } from '../../services/context';
import { locateTemporalBinary, INSTALL_HINT } from '../../services/temporal-binaries';
import type { BuildResult } from '../../workflows/core/types';
import { progressQuery } from '../../workflows/messages';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { runBr } from '../helpers/cli';
import {
  connectClient,
  describeServer,
  serverAddress,
  serverBundle,
  startTimeSkipping,
  uniqueQueue,
} from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';

const HOUR = 3600_000;
const plan = [plannedTask('a'), plannedTask('b', ['a'])];
const gate = (onTimeout: 'cancel' | 'approve') => ({ approval: { plan: true, timeoutHours: 5, onTimeout } });

function contextFor(address: string, taskQueue: string) {
  const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: address } });
  ctx.config.temporal.taskQueue = taskQueue;
  ctx.config.temporal.modelTaskQueuePrefix = `${taskQueue}-claude-`;
  return ctx;
}

const timeSkipping = Boolean(locateTemporalBinary('test-server'));
if (!timeSkipping) process.env.BR_TEST_TEMPORAL_SKIP ??= `no \`temporal-test-server\` found: ${INSTALL_HINT}`;

describeServer(
  'the approval timer on the time-skipping test server',
  () => {
    let env: TestWorkflowEnvironment;
    let workers: RunningWorkers;
    const taskQueue = uniqueQueue('br-gate-time');
    const fakes = fakeActivities(0);

    beforeAll(async () => {
      env = (await startTimeSkipping())!;
      const ctx = contextFor(env.address, taskQueue);
      workers = await startWorkers(ctx, {
        activities: fakes.activities,
        workflowBundle: await serverBundle(),
      });
    }, 180_000);
    afterAll(async () => {
      await workers?.shutdown();
      await env?.teardown();
    });

    const run = (id: string, onTimeout: 'cancel' | 'approve') =>
      env.client.workflow.execute('buildWorkflow', {
        workflowId: id,
        taskQueue,
        args: [buildInput(plan, { buildId: id, ...gate(onTimeout) })],
        memo: { modelTaskQueuePrefix: `${taskQueue}-claude-` },
      }) as Promise<BuildResult>;

    it('ends an unanswered gate after 5 h of workflow time: CANCELLED with the reason, no task run', async () => {
      const started = await env.currentTimeMs();
      const result = await run(`build-gate-cancel-${Date.now()}`, 'cancel');
      expect(result.outcome).toBe('CANCELLED');
      expect(result.summary.message).toBe(
        'Build cancelled. Plan not approved: nobody approved or rejected the plan within 5 hours (approval.onTimeout: cancel).',
      );
      expect(result.summary.spentUsd).toBe('0');
      expect(fakes.agentCalls.size).toBe(0);
      expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(5 * HOUR);
    }, 120_000);

    it('goes on as approved after the timeout when approval.onTimeout is "approve"', async () => {
      const started = await env.currentTimeMs();
      const result = await run(`build-gate-approve-${Date.now()}`, 'approve');
      expect(result.outcome).toBe('SUCCEEDED');
      expect([...fakes.agentCalls.keys()].sort()).toEqual(['a', 'b']);
      expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(5 * HOUR);
    }, 120_000);
  },
  { available: timeSkipping },
);

describeServer('approve and reject as Updates on the dev server', () => {
  let workers: RunningWorkers;
  const taskQueue = uniqueQueue('br-gate');
  const ctx = contextFor(serverAddress(), taskQueue);
  const env = { TEMPORAL_ADDRESS: serverAddress() };
  const br = (args: string[]) => runBr(args, { cwd: tmpdir(), env });

  beforeAll(async () => {
    const fakes = fakeActivities(300);
    workers = await startWorkers(ctx, { activities: fakes.activities, workflowBundle: await serverBundle() });
  }, 180_000);
  afterAll(async () => void (await workers?.shutdown()));

  async function start(id: string, gated: boolean) {
    const { client, close } = await connectClient(ctx.config.temporal.namespace);
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId: id,
      taskQueue,
      args: [buildInput(plan, { buildId: id, ...(gated ? gate('cancel') : {}) })],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
    for (let i = 0; i < 100; i++) {
      const p = await handle.query(progressQuery);
      if (p.status !== 'PLANNING') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { handle, close };
  }

  it('shows the waiting plan with its hash, refuses a wrong hash, approves once per request id', async () => {
    const id = `build-gate-ok-${Date.now()}`;
    const { handle, close } = await start(id, true);
    try {
      const status = await br(['build', 'status', id, '--json']);
      const report = JSON.parse(status.stdout) as {
        status: string;
        approval: { planHash: string };
        tasks: { id: string }[];
      };
      expect(report.status).toBe('AWAITING_APPROVAL');
      expect(report.approval.planHash).toMatch(/^[0-9a-f]{16}$/);
      expect(report.tasks.map((t) => t.id)).toEqual(['a', 'b']);
      const text = await br(['build', 'status', id]);
      expect(text.stdout).toContain(`br build approve ${id} --plan-hash ${report.approval.planHash}`);

      const wrong = await br(['build', 'approve', id, '--plan-hash', '0000000000000000']);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain(`has hash ${report.approval.planHash}, not 0000000000000000`);
      const noReason = await br(['build', 'reject', id]);
      expect(noReason.code).not.toBe(0);
      expect((await handle.query(progressQuery)).status).toBe('AWAITING_APPROVAL');

      const hash = report.approval.planHash;
      const first = await br(['build', 'approve', id, '--request-id', 'ok-1', '--plan-hash', hash]);
      expect(first.stdout).toContain(`Approved the plan of ${id}.`);
      const again = await br(['build', 'approve', id, '--request-id', 'ok-1']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Already answered (request ok-1): approved; nothing changed.');
      expect(((await handle.result()) as BuildResult).outcome).toBe('SUCCEEDED');
      const late = await br(['build', 'approve', id]);
      expect(late.stderr).toContain(`Build ${id} is completed: nothing is waiting for approval.`);
    } finally {
      await close();
    }
  }, 120_000);

  it('rejects with a reason: CANCELLED with it; a build without a gate refuses, naming its state', async () => {
    const id = `build-gate-no-${Date.now()}`;
    const { handle, close } = await start(id, true);
    const plain = `build-gate-none-${Date.now()}`;
    const other = await start(plain, false);
    try {
      const refused = await br(['build', 'approve', plain]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/nothing is waiting for approval: the build is (running|succeeded)/);
      const rejected = await br(['build', 'reject', id, '--reason', 'split task a first', '--json']);
      expect(JSON.parse(rejected.stdout)).toMatchObject({
        state: { applied: true, decision: { decision: 'rejected' } },
      });
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('CANCELLED');
      expect(result.summary.message).toMatch(
        /^Build cancelled\. Plan rejected( by \S+)?: split task a first\.$/,
      );
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 0, RUNNING: 0 });
    } finally {
      await close();
      await other.close();
    }
  }, 120_000);
});
