import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { parseConfig } from '../../lib/config';
import { applySchedules, listSchedules, scheduleDefinitions } from '../../worker/schedules';

describe('schedule definitions', () => {
  const config = parseConfig({
    retention: { days: 14, archiveDir: 'var/archive' },
    temporal: { taskQueue: 'br-main' },
  });
  const [metrics, retention] = scheduleDefinitions(config);

  it('runs the metrics rollup hourly at five past, skipping overlaps, catching up one missed hour', () => {
    expect(metrics).toMatchObject({
      scheduleId: 'metrics-aggregation',
      spec: { intervals: [{ every: '1 hour', offset: '5 minutes' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'metricsAggregationWorkflow',
        taskQueue: 'br-main',
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
  });

  it('runs retention daily at 03:30 UTC with the configured window and archive folder', () => {
    expect(retention).toMatchObject({
      scheduleId: 'retention-cleanup',
      spec: { calendars: [{ hour: 3, minute: 30 }] },
      action: {
        workflowType: 'retentionCleanupWorkflow',
        taskQueue: 'br-main',
        args: [{ retentionDays: 14, archiveDir: 'var/archive', batchSize: 1000 }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
  });

  it('names workflow types the workflows module exports', async () => {
    const workflows = (await import('./fixtures/maintenance-workflows')) as Record<string, unknown>;
    for (const def of scheduleDefinitions(config)) {
      expect(typeof workflows[def.action.workflowType as string]).toBe('function');
    }
  });
});

describe('maintenance workflows in the Temporal sandbox', () => {
  it('bundle without Node built-ins or database code', async () => {
    const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'fixtures/maintenance-workflows.ts'),
      logger: new DefaultLogger('ERROR'),
    });
    expect(code).toContain('metricsAggregationWorkflow');
    expect(code).toContain('retentionCleanupWorkflow');
    expect(code).not.toMatch(/@prisma\/client|pglite|node:zlib/);
  }, 120_000);
});

function temporalAvailable(): string | null {
  if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
  try {
    execFileSync('temporal', ['--version'], { stdio: 'ignore' });
    return 'binary';
  } catch {
    return null;
  }
}

const server = temporalAvailable();
if (!server) {
  console.warn(
    'Skipping "applies the schedules twice": no TEMPORAL_ADDRESS and no `temporal` binary on PATH.',
  );
}

(server ? describe : describe.skip)('schedules on a real Temporal server', () => {
  it('applies the schedules twice without error or duplicates, keeping a paused schedule paused', async () => {
    let close: () => Promise<void>;
    let client: Client;
    if (process.env.TEMPORAL_ADDRESS) {
      const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
      client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
      close = () => connection.close();
    } else {
      const { TestWorkflowEnvironment } = await import('@temporalio/testing');
      const env = await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: 'temporal' } },
      });
      client = env.client;
      close = () => env.teardown();
    }
    const config = parseConfig({ temporal: { taskQueue: `br-test-${Date.now()}` } });
    try {
      const first = await applySchedules(client, config);
      expect(first.map((r) => r.scheduleId)).toEqual(['metrics-aggregation', 'retention-cleanup']);
      await client.schedule.getHandle('retention-cleanup').pause('test pause');
      const second = await applySchedules(client, config);
      expect(second.map((r) => r.outcome)).toEqual(['updated', 'updated']);
      const listed = await listSchedules(client);
      expect(listed.map((s) => [s.scheduleId, s.exists, s.paused])).toEqual([
        ['metrics-aggregation', true, false],
        ['retention-cleanup', true, true],
      ]);
    } finally {
      for (const id of ['metrics-aggregation', 'retention-cleanup'])
        await client.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
      await close();
    }
  }, 120_000);
});
