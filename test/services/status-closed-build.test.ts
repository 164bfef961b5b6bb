/**
 * `br build status` of a build whose workflow has closed, with no worker running: a progress query
 * would wait for a worker to replay it (30 s, then INTERNAL "Failed to query Workflow"). The status
 * answers from the workflow's result and description instead, in a few seconds, with the outcome.
 * Real Temporal dev server (test/helpers/temporal.ts); never skipped in CI.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildStatus } from '../../services/build-status';
import { createContext } from '../../services/context';
import { startWorkers } from '../../worker/run';
import type { BuildResult } from '../../workflows/core/types';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';

function contextOn(queue: string) {
  // An empty folder: no embedded database, so the tasks cannot come from there; the outcome still does.
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-status-closed-'));
  const ctx = createContext({ cwd, env: { TEMPORAL_ADDRESS: serverAddress(), DATABASE_URL: '' } });
  ctx.config.temporal.taskQueue = queue;
  ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
  return ctx;
}

describeServer('the status of a closed build with no worker running', () => {
  it('comes back in a few seconds with the outcome, counts and spend of a finished build', async () => {
    const queue = uniqueQueue('br-status-closed');
    const ctx = contextOn(queue);
    const id = `build-closed-${Date.now().toString(36)}`;
    const fakes = fakeActivities(0);
    const workers = await startWorkers(ctx, {
      activities: fakes.activities,
      workflowBundle: await serverBundle(),
    });
    const { client, close } = await connectClient();
    try {
      const handle = await client.workflow.start('buildWorkflow', {
        workflowId: id,
        taskQueue: queue,
        args: [buildInput([plannedTask('a'), plannedTask('b', ['a']), plannedTask('c')], { buildId: id })],
        memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
      });
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
    } finally {
      await workers.shutdown();
    }
    try {
      const started = performance.now();
      const report = await buildStatus(ctx, id);
      const ms = performance.now() - started;
      expect(report.status).toBe('SUCCEEDED');
      expect(report.counts.SUCCEEDED).toBe(3);
      expect(report.forecast).toBeNull();
      expect(Number(report.budget.spentUsd)).toBeGreaterThan(0);
      // Before: 30 s, then INTERNAL "Failed to query Workflow".
      expect(ms).toBeLessThan(5_000);
    } finally {
      await close();
    }
  }, 120_000);

  it('says FAILED and why when the workflow was terminated', async () => {
    const queue = uniqueQueue('br-status-terminated');
    const ctx = contextOn(queue);
    const id = `build-terminated-${Date.now().toString(36)}`;
    const { client, close } = await connectClient();
    try {
      const handle = await client.workflow.start('buildWorkflow', {
        workflowId: id,
        taskQueue: queue,
        args: [buildInput([plannedTask('a')], { buildId: id })],
      });
      await handle.terminate('stopped by the test');
      const started = performance.now();
      const report = await buildStatus(ctx, id);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(report.status).toBe('FAILED');
      expect(report.failure).toMatchObject({
        code: 'WORKFLOW_TERMINATED',
        message: expect.stringContaining('TERMINATED'),
      });
    } finally {
      await close();
    }
  }, 60_000);
});
