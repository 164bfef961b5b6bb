/**
 * A 600-task plan on the real server with instant activities: the build parent continues as new when
 * the server suggests it (after ~4,096 events by default), every run's history stays far under
 * Temporal's limits (51,200 events, 50 MB), and no task runs twice across the runs.
 */
import { temporal } from '@temporalio/proto';
import type { BuildResult } from '../../workflows/core/types';
import { startWorkers } from '../../worker/run';
import { createContext } from '../../services/context';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';
import { tmpdir } from 'node:os';

const TASKS = 600;
const EVENT_LIMIT = 51_200;
const BYTE_LIMIT = 50 * 1024 * 1024;

describeServer('a 600-task build', () => {
  it('completes through continue-as-new with every history under the limits', async () => {
    const taskQueue = uniqueQueue('br-long');
    const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: serverAddress() } });
    ctx.config.temporal.taskQueue = taskQueue;
    ctx.config.temporal.modelTaskQueuePrefix = `${taskQueue}-claude-`;
    const fakes = fakeActivities(0);
    const workers = await startWorkers(ctx, {
      activities: fakes.activities,
      workflowBundle: await serverBundle(),
      maxConcurrentActivities: 50,
    });
    const { client, close } = await connectClient();
    const workflowId = `build-long-${Date.now()}`;
    try {
      const plan = Array.from({ length: TASKS }, (_, i) =>
        plannedTask(`t${i}`, i >= 20 ? [`t${i - 20}`] : []),
      );
      const handle = await client.workflow.start('buildWorkflow', {
        workflowId,
        taskQueue,
        args: [buildInput(plan, { buildId: workflowId, parallel: 20, budgetUsd: '1000' })],
        memo: { modelTaskQueuePrefix: `${taskQueue}-claude-` },
      });
      const started = Date.now();
      const result = (await handle.result()) as BuildResult;
      const seconds = (Date.now() - started) / 1000;
      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.tasks.SUCCEEDED).toBe(TASKS);
      expect(fakes.agentCalls.size).toBe(TASKS);
      expect([...fakes.agentCalls.values()].every((n) => n === 1)).toBe(true);

      const runs: { events: number; bytes: number }[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
        runs.push({
          events: history.events?.length ?? 0,
          bytes: temporal.api.history.v1.History.encode(history).finish().length,
        });
      }
      const largest = runs.reduce((a, b) => (b.events > a.events ? b : a));
      console.log(
        `600-task build: ${seconds.toFixed(0)} s, ${runs.length} runs of the parent (continue-as-new); ` +
          `largest parent history ${largest.events} events, ${(largest.bytes / 1024).toFixed(0)} KiB`,
      );
      expect(runs.length).toBeGreaterThan(1);
      for (const run of runs) {
        expect(run.events).toBeLessThan(EVENT_LIMIT / 4);
        expect(run.bytes).toBeLessThan(BYTE_LIMIT / 10);
      }
    } finally {
      await close();
      await workers.shutdown();
    }
  }, 900_000);
});
