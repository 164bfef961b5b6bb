import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { parseConfig } from '../../lib/config';
import { createContext } from '../../services/context';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { listSchedules, scheduleDefinitions } from '../../worker/schedules';
import { runBr } from '../helpers/cli';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { TEST_NAMESPACES } from '../helpers/temporal-namespaces';

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
    const workflows = (await import('../fixtures/metrics/maintenance-workflows')) as Record<string, unknown>;
    for (const def of scheduleDefinitions(config)) {
      expect(typeof workflows[def.action.workflowType as string]).toBe('function');
    }
  });
});

describe('maintenance workflows in the Temporal sandbox', () => {
  it('bundle without Node built-ins or database code', async () => {
    const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '../fixtures/metrics/maintenance-workflows.ts'),
      logger: new DefaultLogger('ERROR'),
    });
    expect(code).toContain('metricsAggregationWorkflow');
    expect(code).toContain('retentionCleanupWorkflow');
    expect(code).not.toMatch(/@prisma\/client|pglite|node:zlib/);
  }, 120_000);
});

describeServer('schedules on a real Temporal server', () => {
  const namespace = TEST_NAMESPACES.schedules;
  let dir: string;
  let workers: RunningWorkers;
  let client: Client;
  let close: () => Promise<void>;
  const env = () => ({ TEMPORAL_ADDRESS: serverAddress(), TEMPORAL_NAMESPACE: namespace });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'br-schedules-'));
    writeFileSync(
      path.join(dir, 'buildrunner.config.json'),
      JSON.stringify({ temporal: { taskQueue: uniqueQueue('br-schedules') } }),
    );
    ({ client, close } = await connectClient(namespace));
    const ctx = createContext({ cwd: dir, env: { ...process.env, ...env() } });
    workers = await startWorkers(ctx, { queues: ['build'], workflowBundle: await serverBundle() });
  }, 180_000);

  afterAll(async () => {
    await workers?.shutdown();
    await close?.();
  });

  it('`br schedules apply` twice leaves exactly one of each, keeping a paused schedule paused', async () => {
    const first = await runBr(['schedules', 'apply', '--json'], { cwd: dir, env: env() });
    expect(first.code).toBe(0);
    await client.schedule.getHandle('retention-cleanup').pause('test pause');
    const second = await runBr(['schedules', 'apply', '--json'], { cwd: dir, env: env() });
    expect(second.code).toBe(0);
    const ids: string[] = [];
    for await (const s of client.schedule.list()) ids.push(s.scheduleId);
    expect(ids.sort()).toEqual(['metrics-aggregation', 'retention-cleanup']);
    const listed = await listSchedules(client);
    expect(listed.map((s) => [s.scheduleId, s.exists, s.paused])).toEqual([
      ['metrics-aggregation', true, false],
      ['retention-cleanup', true, true],
    ]);
  }, 120_000);

  it('`br schedules trigger metrics-aggregation` runs the aggregation on the server', async () => {
    const triggered = await runBr(['schedules', 'trigger', 'metrics-aggregation'], { cwd: dir, env: env() });
    expect(triggered.stdout).toContain('metrics-aggregation: triggered.');
    const handle = client.schedule.getHandle('metrics-aggregation');
    let workflowId: string | undefined;
    for (let i = 0; i < 100 && !workflowId; i++) {
      workflowId = (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId;
      if (!workflowId) await new Promise((r) => setTimeout(r, 200));
    }
    expect(workflowId).toMatch(/^metrics-aggregation/);
    const result = (await client.workflow.getHandle(workflowId!).result()) as Record<string, number>;
    expect(result).toEqual(expect.objectContaining({ hourBuckets: expect.any(Number), eventsRead: 0 }));
  }, 120_000);

  // The time-skipping test server has no Schedules, so the server's own clock arithmetic is checked with a
  // backfill: the runs a past window would have started, at the times the specs say.
  it('fires at five past every hour and daily at 03:30 UTC (backfilled over the last two days)', async () => {
    // Scheduled runs are named <schedule>-<nominal time, RFC 3339>.
    const nominalTimes = async (type: string, scheduleId: string, before: Set<string>) => {
      const times: Date[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowType = '${type}'` })) {
        const at = new RegExp(`^${scheduleId}-(\\d{4}-.*Z)$`).exec(w.workflowId)?.[1];
        if (at && !before.has(w.workflowId)) times.push(new Date(at));
      }
      return times;
    };
    const existing = new Set<string>();
    for await (const w of client.workflow.list()) existing.add(w.workflowId);
    const end = new Date();
    const start = new Date(end.getTime() - 2 * 24 * 3600_000);
    for (const id of ['metrics-aggregation', 'retention-cleanup'])
      await client.schedule.getHandle(id).backfill({ start, end, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    let hourly: Date[] = [];
    for (let i = 0; i < 100 && hourly.length < 47; i++) {
      hourly = await nominalTimes('metricsAggregationWorkflow', 'metrics-aggregation', existing);
      if (hourly.length < 47) await new Promise((r) => setTimeout(r, 200));
    }
    expect(hourly.length).toBeGreaterThanOrEqual(47);
    expect(hourly.filter((t) => t.getUTCMinutes() !== 5 || t.getUTCSeconds() !== 0)).toEqual([]);
    const nightly = await nominalTimes('retentionCleanupWorkflow', 'retention-cleanup', existing);
    expect(nightly.length).toBeGreaterThanOrEqual(1);
    expect(nightly.filter((t) => t.getUTCHours() !== 3 || t.getUTCMinutes() !== 30)).toEqual([]);
  }, 120_000);
});
