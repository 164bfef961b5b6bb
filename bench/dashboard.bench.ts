import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDashboard } from '../dashboard/server';
import { type Database } from '../lib/db/connection';
import { migrate } from '../activities/db/migrate';
import { createContext } from '../services/context';
import { costReport } from '../services/reports';
import { openBenchDatabase } from './databases';
import { type BenchResources, withResources } from './resources';
import type { BenchModule } from './types';

/**
 * Issue 29's performance goal: the dashboard's first screen for 50 repositories × 200 builds answers
 * in ≤ 200 ms, on PGlite and on PostgreSQL. Timed end to end (HTTP GET / from the running server:
 * queries, HTML and transfer), next to the baseline of `br costs`' own query on the same rows.
 */

const REPOS = 50;
const BUILDS = 200;
const TASKS = 8;
const ROUNDS = 20;

export async function seed(db: Database): Promise<void> {
  // The latest build of every fifth repository is running, of every seventh failed; every tenth is PARTIAL.
  await db.exec(`
    INSERT INTO "Build" (id, project, "specPath", "specHash", "repoPath", "baseBranch", "buildBranch", status,
      "budgetUsd", "costUsd", parallel, "taskCount", "startedAt", "finishedAt", "updatedAt")
    SELECT 'build-r' || r || '-' || b, 'repo' || r, 'PROJECT_SPEC.md', 'h', '/srv/repos/repo' || r, 'main', 'br/b',
      CASE WHEN b = ${BUILDS} AND r % 5 = 0 THEN 'RUNNING' WHEN b = ${BUILDS} AND r % 7 = 0 THEN 'FAILED'
           WHEN b % 10 = 0 THEN 'PARTIAL' ELSE 'SUCCEEDED' END,
      20, 1.2, 4, ${TASKS}, now() - (${BUILDS} - b) * interval '43 hours' - r * interval '1 minute',
      CASE WHEN b = ${BUILDS} AND r % 5 = 0 THEN NULL
           ELSE now() - (${BUILDS} - b) * interval '43 hours' - r * interval '1 minute' + interval '40 minutes' END,
      now()
    FROM generate_series(1, ${REPOS}) AS r, generate_series(1, ${BUILDS}) AS b;
    INSERT INTO "Task" (id, "buildId", "taskKey", title, status, attempts, "costUsd", "dependsOn", files,
      "startedAt", "finishedAt", "updatedAt")
    SELECT b.id || '/t' || k, b.id, 't' || k, 'Task ' || k,
      CASE WHEN b.status = 'RUNNING' THEN (CASE WHEN k <= 3 THEN 'SUCCEEDED' WHEN k = 4 THEN 'RUNNING' ELSE 'PENDING' END)
           WHEN k = ${TASKS} AND b.status <> 'SUCCEEDED' THEN 'FAILED' ELSE 'SUCCEEDED' END,
      1, 0.15, CASE WHEN k > 1 THEN ARRAY['t' || (k - 1)] ELSE ARRAY[]::text[] END, ARRAY[]::text[],
      b."startedAt" + k * interval '1 minute',
      CASE WHEN b.status = 'RUNNING' AND k > 3 THEN NULL
           ELSE b."startedAt" + k * interval '1 minute' + ((k * 37 + length(b.id) * 11) % 600) * interval '1 second' END,
      now()
    FROM "Build" b, generate_series(1, ${TASKS}) AS k;
    INSERT INTO "CostEntry" ("idempotencyKey", "buildId", "taskKey", attempt, purpose, "requestedModel", model,
      "priceTableVersion", "inputTokens", "outputTokens", usd, "createdAt")
    SELECT t.id || '#' || j, t."buildId", t."taskKey", 1, 'agent', 'claude-sonnet-5-5',
      (ARRAY['claude-haiku-5-5','claude-sonnet-5-5'])[j], 'bench', 1000, 200, 0.0712345678, t."startedAt"
    FROM "Task" t, generate_series(1, 2) AS j;
    ANALYZE "Build"; ANALYZE "Task"; ANALYZE "CostEntry";`);
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;

interface Row {
  target: string;
  firstScreen: number[];
  baseline: number[];
  bytes: number;
}

async function measure(res: BenchResources, target: 'postgres' | 'pglite'): Promise<Row> {
  const db = await openBenchDatabase(res, target);
  const cwd = res.hold(
    mkdtempSync(path.join(os.tmpdir(), 'br-bench-dash-')),
    (dir) => rmSync(dir, { recursive: true, force: true }),
    'the temporary folder',
  );
  await migrate(db);
  await seed(db);
  const ctx = { ...createContext({ cwd, env: {} }), database: db };
  const dashboard = res.hold(await startDashboard({ ctx, db, port: 0 }), (d) => d.close(), 'the dashboard');
  let bytes = 0;
  const get = async () => {
    const answer = await fetch(`${dashboard.url}/`);
    if (answer.status !== 200) throw new Error(`GET / answered ${answer.status}`);
    bytes = (await answer.text()).length;
  };
  await get();
  await costReport(db, { by: 'model' });
  const firstScreen: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    firstScreen.push(await time(get));
    baseline.push(await time(() => costReport(db, { by: 'model' })));
  }
  process.stderr.write(`  ${target}: first screen median ${median(firstScreen).toFixed(0)} ms\n`);
  return { target, firstScreen, baseline, bytes };
}

const bench: BenchModule = {
  name: 'dashboard',
  async run() {
    const rows = [
      await withResources((res) => measure(res, 'postgres')),
      await withResources((res) => measure(res, 'pglite')),
    ];
    const ms = (x: number) => x.toFixed(0);
    return {
      title: 'Dashboard first screen, 50 repositories × 200 builds (issue 29, target ≤ 200 ms)',
      command: 'npm run bench -- dashboard',
      markdown: [
        '| database | GET / median (ms) | GET / p95 (ms) | baseline: `br costs` query median (ms) | first screen ÷ baseline | page size |',
        '|---|---|---|---|---|---|',
        ...rows.map(
          (r) =>
            `| ${r.target} | **${ms(median(r.firstScreen))}** | ${ms(p95(r.firstScreen))} | ${ms(median(r.baseline))} | ${(median(r.firstScreen) / median(r.baseline)).toFixed(1)}× | ${(r.bytes / 1024).toFixed(0)} KB |`,
        ),
        '',
        `Data: ${REPOS} repositories × ${BUILDS} builds (${(REPOS * BUILDS).toLocaleString('en-US')} builds), ${TASKS} tasks each`,
        `(${(REPOS * BUILDS * TASKS).toLocaleString('en-US')} tasks) and two cost rows per task, generated in SQL; 10 builds running;`,
        "each repository's builds 43 h apart (about a year), so about 17 per repository fall in the 30-day window.",
        'The machine is shared and loaded (the load average is printed below); the figures vary from run to run.',
        `${ROUNDS} requests each, after one warm-up, against the running server with its database held open`,
        '(PGlite in memory, in-process; PostgreSQL over a pool on loopback). The baseline is the single',
        'aggregate `br costs --json` runs, on the same rows, timed in the same loop.',
        `Load average at the end: ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')} on ${os.cpus().length} cores.`,
      ].join('\n'),
    };
  },
};

export default bench;
