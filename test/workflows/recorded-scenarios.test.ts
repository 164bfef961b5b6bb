/**
 * The five replay scenarios (history/scenarios.ts) run for real on the Temporal dev server: real build
 * and task workflows, real signals between them, a real worker, with scripted activities (an agent
 * that is overloaded once, an agent that runs until it is cancelled, a task that overspends). Each run
 * asserts its outcome; with BR_RECORD_SERVER_FIXTURES=1 its histories are written to
 * fixtures/histories/server/, which recorded-replay.test.ts replays against today's workflow code.
 *
 *   BR_RECORD_SERVER_FIXTURES=1 npm run test:server -- test/workflows/recorded-scenarios.test.ts
 */
import { tmpdir } from 'node:os';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { failure } from '../../activities/failure';
import { FailureClass } from '../../lib/failures';
import type { RunAgentInput } from '../../lib/contracts';
import { createContext } from '../../services/context';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { taskWorkflowId } from '../../workflows/core/port';
import type { BuildResult, BuildWorkflowInput } from '../../workflows/core/types';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';
import { recordServerFixture } from '../fixtures/temporal/history/server-fixtures';

const TASKS = [plannedTask('a'), plannedTask('b', ['a']), plannedTask('c')];

type Agent = (input: RunAgentInput, calls: number) => Promise<'finish' | { costUsd: string }>;

describeServer('the replay scenarios on the real server', () => {
  let client: Client;
  let close: () => Promise<void>;
  let workers: RunningWorkers;
  let taskQueue: string;
  /** The scripted agent of the scenario running now. */
  let agent: Agent = async () => 'finish';
  const agentCalls = new Map<string, number>();

  beforeAll(async () => {
    taskQueue = uniqueQueue('br-scenarios');
    const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: serverAddress() } });
    ctx.config.temporal.taskQueue = taskQueue;
    ctx.config.temporal.modelTaskQueuePrefix = `${taskQueue}-claude-`;
    const fakes = fakeActivities(0);
    const finish = fakes.activities.runAgent;
    workers = await startWorkers(ctx, {
      activities: {
        ...fakes.activities,
        runAgent: async (input: RunAgentInput) => {
          const key = `${input.buildId}/${input.taskId}`;
          const calls = (agentCalls.get(key) ?? 0) + 1;
          agentCalls.set(key, calls);
          const answer = await agent(input, calls);
          const done = await finish(input);
          return answer === 'finish' ? done : { ...done, costUsd: answer.costUsd };
        },
      },
      workflowBundle: await serverBundle(),
    });
    ({ client, close } = await connectClient());
  }, 240_000);

  afterAll(async () => {
    await close?.();
    await workers?.shutdown();
  });

  async function run(
    name: string,
    input: Partial<BuildWorkflowInput>,
    steer?: (id: string) => Promise<void>,
  ) {
    const buildId = `build-${name}-${Date.now()}`;
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId: buildId,
      taskQueue,
      args: [buildInput(TASKS, { buildId, buildBranch: `br/${buildId}`, ...input })],
      memo: { modelTaskQueuePrefix: `${taskQueue}-claude-` },
    });
    await steer?.(buildId);
    return { buildId, result: (await handle.result()) as BuildResult };
  }

  it('a task whose first agent call is overloaded falls back and the 3-task build succeeds', async () => {
    agent = async (input, calls) => {
      if (input.taskId === 'b' && calls === 1)
        throw failure(FailureClass.OVERLOADED, 'overloaded', { costUsd: '0', model: input.model });
      return 'finish';
    };
    const { buildId, result } = await run('fallback', {});
    expect(result.outcome).toBe('SUCCEEDED');
    expect(agentCalls.get(`${buildId}/b`)).toBe(2);
    expect(agentCalls.get(`${buildId}/a`)).toBe(1);
    const b = await client.workflow.getHandle(taskWorkflowId(buildId, 'b')).result();
    expect(b).toMatchObject({ outcome: 'SUCCEEDED', attempts: 2 });
    await recordServerFixture(client, buildId, 'build-three-tasks-fallback-child');
    await recordServerFixture(client, taskWorkflowId(buildId, 'b'), 'task-fallback-after-overloaded');
  }, 180_000);

  it('a cancel while tasks a and c are inside the agent cancels them and ends the build CANCELLED', async () => {
    const inside = new Set<string>();
    agent = async (input) => {
      inside.add(input.taskId);
      // Runs until cancelled: heartbeats deliver the cancel.
      for (;;) {
        Context.current().heartbeat();
        await Promise.race([Context.current().cancelled, new Promise((r) => setTimeout(r, 200))]);
      }
    };
    const { buildId, result } = await run('cancel', {}, async (id) => {
      const deadline = Date.now() + 60_000;
      while (!(inside.has('a') && inside.has('c'))) {
        if (Date.now() > deadline) throw new Error('tasks a and c never reached the agent');
        await new Promise((r) => setTimeout(r, 100));
      }
      await client.workflow.getHandle(id).signal('cancel', 'changed my mind');
    });
    expect(result.outcome).toBe('CANCELLED');
    expect(agentCalls.get(`${buildId}/b`)).toBeUndefined();
    const a = await client.workflow.getHandle(taskWorkflowId(buildId, 'a')).describe();
    expect(a.status.name).toMatch(/COMPLETED|CANCELLED/);
    await recordServerFixture(client, buildId, 'build-cancel');
    await recordServerFixture(client, taskWorkflowId(buildId, 'a'), 'task-cancel-mid-agent');
  }, 180_000);

  it('a $1 budget the first task overspends stops the build BUDGET_EXHAUSTED when no raise comes', async () => {
    agent = async () => ({ costUsd: '1.5' });
    const { buildId, result } = await run('budget', { budgetUsd: '1', parallel: 1, budgetWaitMs: 3000 });
    expect(result.outcome).toBe('BUDGET_EXHAUSTED');
    expect(agentCalls.get(`${buildId}/a`)).toBe(1);
    expect(agentCalls.get(`${buildId}/c`)).toBeUndefined();
    await recordServerFixture(client, buildId, 'build-budget-stop');
  }, 180_000);
});
