import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../activities/db/connection';
import { migrate } from '../activities/db/migrate';
import { recordBuild, recordTask } from '../activities/persistence/records';
import type { RecordBuildInput, RecordTaskInput } from '../lib/contracts';
import { createContext } from '../services/context';
import { locateTemporalBinary } from '../services/temporal-binaries';
import { startDevServer } from '../services/temporal-dev-server';
import { startWorkers } from '../worker/run';
import { buildInput, plannedTask } from '../test/fixtures/temporal/builds';
import { fakeActivities } from '../test/fixtures/temporal/fake-activities';
import type { BenchResources } from './resources';
import type { BenchModule } from './types';

/**
 * CLI start-up of the one-shot reads (issue 31): `br costs --json` on a database of 10,000 cost rows
 * and `br build status --json` of a finished build, compiled CLI, against `node -e 0` in the same run.
 * Wall time (median) and the child's CPU time (user + sys, median): on a loaded machine the CPU time
 * is the steadier figure. Needs BR_TEST_POSTGRES_URL (a database is created and dropped) and the
 * Temporal CLI binary (a dev server is started).
 */
const root = path.join(__dirname, '..');
const br = path.join(root, 'bin', 'br.js');
const ROWS = 10_000;

interface Timing {
  wall: number;
  cpu: number;
  ok: boolean;
}

/** Asynchronous: the workers that answer the status query run in this process. */
async function timeRuns(args: string[], env: NodeJS.ProcessEnv, cwd: string, runs: number): Promise<Timing> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { cwd, env });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.stdout.resume();
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const [u, s] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    cpu.push((u! + s!) * 1000);
    if (code !== 0) ok = false;
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu), ok };
}

async function seedCosts(url: string): Promise<void> {
  const db = await openDatabase({ kind: 'postgres', url });
  try {
    await migrate(db);
    await db.exec(
      `INSERT INTO "CostEntry" ("idempotencyKey", "buildId", "taskKey", purpose, "requestedModel", model,
         "priceTableVersion", "inputTokens", "outputTokens", usd, "createdAt")
       SELECT 'k' || i, 'build-' || (i % 40), 't' || (i % 300), 'agent', 'm' || (i % 3), 'm' || (i % 3), 'v1',
         1000 + i, 200 + i, 0.0123456789, now() - (i || ' minutes')::interval
       FROM generate_series(1, ${ROWS}) AS i`,
    );
  } finally {
    await db.close();
  }
}

/**
 * Two finished builds, and the workers (a query of a closed workflow is answered by a worker replaying
 * it). Both record their build and task rows as a real worker does (the other activities are fakes);
 * the second's rows are then deleted: a finished build this database does not hold, which Temporal answers.
 */
async function finishedBuilds(
  res: BenchResources,
  address: string,
  url: string,
): Promise<{ recorded: string; unrecorded: string }> {
  const queue = `br-cli-bench-${Date.now()}`;
  const ctx = createContext({ cwd: os.tmpdir(), env: { TEMPORAL_ADDRESS: address, DATABASE_URL: url } });
  ctx.config.temporal.taskQueue = queue;
  ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
  const db = res.hold(await openDatabase({ kind: 'postgres', url }), (d) => d.close(), 'the bench database');
  const activities = {
    ...fakeActivities(0).activities,
    recordBuild: (input: RecordBuildInput) => recordBuild(db, input),
    recordTask: (input: RecordTaskInput) => recordTask(db, input),
  };
  res.hold(await startWorkers(ctx, { activities }), (w) => w.shutdown(), 'the workers');
  const { Client, Connection } = await import('@temporalio/client');
  const connection = res.hold(
    await Connection.connect({ address }),
    (c) => c.close(),
    'the client connection',
  );
  const ids = [`build-clibench-${Date.now()}`, `build-clibench-gone-${Date.now()}`];
  for (const workflowId of ids) {
    const tasks = Array.from({ length: 10 }, (_, i) => plannedTask(`t${i}`, i >= 4 ? [`t${i - 4}`] : []));
    await new Client({ connection }).workflow.execute('buildWorkflow', {
      workflowId,
      taskQueue: queue,
      args: [buildInput(tasks, { buildId: workflowId, parallel: 4, budgetUsd: '1000' })],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
  }
  await db.query(`DELETE FROM "Build" WHERE id = $1`, [ids[1]]);
  return { recorded: ids[0]!, unrecorded: ids[1]! };
}

const bench: BenchModule = {
  name: 'cli-reads',
  async run(res) {
    const title = 'CLI start-up of one-shot reads (issue 31 target: ≤ 3× `node -e 0`)';
    const command = 'npm run bench -- cli-reads';
    const admin = process.env.BR_TEST_POSTGRES_URL;
    const binary = locateTemporalBinary('cli');
    if (!admin || !binary)
      return {
        title,
        command,
        markdown: 'Not measured: needs BR_TEST_POSTGRES_URL and the Temporal CLI binary.',
      };
    // BR_BENCH_NO_BUILD=1: dist/ is already built from this checkout.
    const build = process.env.BR_BENCH_NO_BUILD
      ? { status: 0, stderr: '' }
      : spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
    const name = `br_bench_cli_${process.pid}`;
    const adminDb = res.hold(
      await openDatabase({ kind: 'postgres', url: admin }),
      (d) => d.close(),
      'the admin connection',
    );
    res.defer(() => adminDb.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), `database ${name}`);
    await adminDb.exec(`CREATE DATABASE ${name}`);
    const url = Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
    const server = res.hold(
      await startDevServer({ binary: binary.path, readyTimeoutMs: 120_000 }),
      (s) => s.stop(),
      'the Temporal dev server',
    );
    await seedCosts(url);
    const finished = await finishedBuilds(res, server.address, url);
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-bench-cli-reads-'));
    const env = { ...process.env, DATABASE_URL: url, TEMPORAL_ADDRESS: server.address };
    const load = os.loadavg()[0]!.toFixed(1);
    const baseline = await timeRuns(['-e', '0'], env, cwd, 11);
    const costs = await timeRuns([br, 'costs', '--json'], env, cwd, 11);
    const status = await timeRuns([br, 'build', 'status', finished.recorded, '--json'], env, cwd, 11);
    const fromTemporal = await timeRuns([br, 'build', 'status', finished.unrecorded, '--json'], env, cwd, 11);
    const row = (label: string, t: Timing) =>
      `| ${label} | ${t.wall.toFixed(0)} ms | ${(t.wall / baseline.wall).toFixed(1)}× | ${t.cpu.toFixed(0)} ms | ${(t.cpu / baseline.cpu).toFixed(1)}× | ${t.ok ? 'yes' : 'NO'} |`;
    return {
      title,
      command,
      markdown: [
        `Medians of 11 runs each, compiled CLI, PostgreSQL (a fresh database of ${ROWS.toLocaleString('en')} cost rows), a temporal CLI dev server with two finished 10-task builds: one whose build and task rows are recorded (as a real worker records them), one whose rows were deleted (Temporal answers its status). Load average (1 min) at the start: ${load}, at the end: ${os.loadavg()[0]!.toFixed(1)}, on ${os.cpus().length} cores.`,
        '',
        '| command | wall | vs `node -e 0` | CPU (user+sys) | vs `node -e 0` | exit 0 |',
        '|---|---|---|---|---|---|',
        row('`node -e 0` (baseline)', baseline),
        row('`br costs --json`', costs),
        row('`br build status <id> --json`', status),
        row('`br build status <id> --json`, build not in the database', fromTemporal),
      ].join('\n'),
    };
  },
};

export default bench;
