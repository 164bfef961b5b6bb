/**
 * `br worker --metrics-port N` as its own OS process (the SDK Runtime is installed once per process)
 * against the real dev server: one scrape of /metrics carries the Temporal SDK runtime's metrics and
 * BuildRunner's, which read the ledger and task table the fixture wrote.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { migrate } from '../../activities/db/migrate';
import { postgresUrl } from '../helpers/db';
import { describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';

async function listening(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return server;
}

async function freePort(): Promise<number> {
  const s = await listening();
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The value of the one sample whose name and labels match exactly. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeServer('br worker --metrics-port', () => {
  let build: RealBuild;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    build = await setupRealBuild({ database: postgresUrl ? 'postgres' : 'embedded' });
    const db = await build.db();
    // The worker migrates on start too; the fixture rows need the tables first.
    await migrate(db);
    const id = `build-metrics-${Date.now()}`;
    await db.prisma.build.create({
      data: {
        id,
        project: 'todo-api',
        specPath: 'PROJECT_SPEC.md',
        specHash: 'x',
        repoPath: build.repo,
        baseBranch: 'main',
        buildBranch: `br/${id}`,
        status: 'WAITING_FOR_BUDGET',
        budgetUsd: '1',
        parallel: 1,
        tasks: {
          create: ['SUCCEEDED', 'SUCCEEDED', 'BLOCKED'].map((status, i) => ({
            id: `${id}/t${i}`,
            taskKey: `t${i}`,
            title: `task ${i}`,
            status,
          })),
        },
      },
    });
    const calls: [string, string][] = [
      ['claude-haiku-4-5', '0.0125'],
      ['claude-haiku-4-5', '0.0250'],
      ['claude-sonnet-4-5', '0.5'],
    ];
    await db.prisma.costEntry.createMany({
      data: calls.map(([model, usd], i) => ({
        idempotencyKey: `${id}-${i}`,
        buildId: id,
        purpose: 'agent',
        requestedModel: model,
        model,
        priceTableVersion: 'test',
        inputTokens: 10,
        outputTokens: 10,
        usd,
      })),
    });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await build?.close();
  });

  it('one scrape serves the Temporal SDK worker metrics and BuildRunner tasks, Claude calls, dollars and breaker', async () => {
    const port = await freePort();
    const worker = spawnWorker(build, ['--metrics-port', String(port), '--models', 'haiku']);
    workers.push(worker);
    await workerReady(worker);
    expect(worker.output()).toContain(`Metrics on http://127.0.0.1:${port}/metrics`);

    const url = `http://127.0.0.1:${port}/metrics`;
    let text = '';
    // The SDK exports a poller gauge once its pollers have started; give the loaded machine time.
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      text = await res.text();
      if (/^temporal_num_pollers\{/m.test(text)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // The SDK runtime's own: pollers of this worker's build queue, labelled with it.
    expect(text).toMatch(
      new RegExp(`^temporal_num_pollers\\{[^}]*task_queue="${build.taskQueue}"[^}]*\\} \\d+`, 'm'),
    );
    // BuildRunner's, equal to the rows the fixture wrote.
    expect(sample(text, 'buildrunner_tasks{state="SUCCEEDED"}')).toBe(2);
    expect(sample(text, 'buildrunner_tasks{state="BLOCKED"}')).toBe(1);
    expect(sample(text, 'buildrunner_tasks{state="RUNNING"}')).toBe(0);
    expect(sample(text, 'buildrunner_claude_calls_total{model="claude-haiku-4-5"}')).toBe(2);
    expect(sample(text, 'buildrunner_claude_calls_total{model="claude-sonnet-4-5"}')).toBe(1);
    expect(sample(text, 'buildrunner_claude_cost_usd_total{model="claude-haiku-4-5"}')).toBeCloseTo(
      0.0375,
      10,
    );
    expect(sample(text, 'buildrunner_claude_cost_usd_total{model="claude-sonnet-4-5"}')).toBe(0.5);
    expect(sample(text, 'buildrunner_budget_breaker_open')).toBe(1);
    expect(text).toMatch(/^# TYPE buildrunner_claude_calls_total counter$/m);

    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  }, 180_000);

  it('a metrics port in use stops the worker with an error naming --metrics-port', async () => {
    const taken = await listening();
    const { port } = taken.address() as AddressInfo;
    try {
      const worker = spawnWorker(build, ['--metrics-port', String(port)]);
      workers.push(worker);
      expect(await worker.exited).toBe('1');
      expect(worker.output()).toContain(`Port ${port} on 127.0.0.1 is in use`);
      expect(worker.output()).toContain('--metrics-port');
      expect(worker.output()).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  }, 60_000);
});
