import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openDatabase } from '../../../activities/db/connection';
import { migrate } from '../../../activities/db/migrate';
import type { Database } from '../../../lib/db/connection';
import { runBr } from '../../helpers/cli';
import { seedHistory } from '../../fixtures/reports-seed';

/**
 * The CLI reaches the database the way a user's would: an embedded PGlite folder named in the config
 * (the first aggregation, the empty report and `br maintenance` below). The report commands in between
 * read that same folder through one database held open for them (ServiceContext.database, as the
 * dashboard holds one), since opening an embedded database costs about a second of CPU per command.
 */
let dir: string;
let held: Database | undefined;
const br = (...argv: string[]) =>
  runBr(argv, {
    cwd: dir,
    env: { DATABASE_URL: undefined },
    services: held ? { database: held } : undefined,
  });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'br-reports-'));
  writeFileSync(path.join(dir, 'buildrunner.config.json'), JSON.stringify({ database: { dataDir: 'db' } }));
  const db = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'db') });
  await migrate(db);
  await seedHistory(db);
  await db.close();
  expect((await br('maintenance', 'aggregate')).stdout).toContain('Read 10 events and 5 cost rows');
  held = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'db') });
}, 120_000);
const release = async () => {
  await held?.close();
  held = undefined;
};
afterAll(async () => {
  await release();
  rmSync(dir, { recursive: true, force: true });
});

const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const totals = z.strictObject({
  calls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  costUsd: decimal,
  unsettledCalls: z.number().int(),
  unsettledUsd: decimal,
});
const costReport = z.strictObject({
  by: z.enum(['model', 'task', 'build', 'day']),
  since: z.string().nullable(),
  buildId: z.string().nullable(),
  rows: z.array(totals.extend({ key: z.string() })),
  total: totals,
});

describe('br costs', () => {
  it('answers with an empty report where nothing was ever recorded, without creating a database', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'br-reports-fresh-'));
    try {
      writeFileSync(
        path.join(fresh, 'buildrunner.config.json'),
        JSON.stringify({ database: { dataDir: 'db' } }),
      );
      const started = performance.now();
      const { code, stdout } = await runBr(['costs', '--by', 'task', '--json'], {
        cwd: fresh,
        env: { DATABASE_URL: undefined },
      });
      const ms = performance.now() - started;
      expect(code).toBe(0);
      expect(costReport.parse(JSON.parse(stdout))).toEqual({
        by: 'task',
        since: null,
        buildId: null,
        rows: [],
        total: {
          calls: 0,
          inputTokens: 0,
          outputTokens: 0,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          costUsd: '0',
          unsettledCalls: 0,
          unsettledUsd: '0',
        },
      });
      expect(existsSync(path.join(fresh, 'db'))).toBe(false);
      // Opening and migrating an embedded database takes seconds; nothing to read takes far less.
      expect(ms).toBeLessThan(1000);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('groups by model, most expensive first, with an exact total', async () => {
    const { code, stdout } = await br('costs');
    expect(code).toBe(0);
    expect(stdout).toMatchInlineSnapshot(`
"model              calls   input  output  cache write  cache read     cost
─────────────────  ─────  ──────  ──────  ───────────  ──────────  ───────  ────────────────
claude-sonnet-5-5      2  25,000   6,000        1,000           0  $0.1125  ████████████████
claude-opus-5-5        1   3,000   1,000            0           0  $0.0320  ████▌
claude-haiku-5-5       2   2,000     500            0       5,000  $0.0014  ▎
total                  5  30,000   7,500        1,000       5,000  $0.1459
"
`);
  });

  it('groups by task, naming calls outside a task by their purpose', async () => {
    expect((await br('costs', '--by', 'task')).stdout).toMatchInlineSnapshot(`
"task                   calls   input  output  cache write  cache read     cost
─────────────────────  ─────  ──────  ──────  ───────────  ──────────  ───────  ────────────────
build-shop-1 / api         2  21,200   4,300        1,000       5,000  $0.0837  ████████████████
build-docs-2 / readme      2   3,800   1,200            0           0  $0.0322  ██████▏
build-shop-1 / (plan)      1   5,000   2,000            0           0  $0.0300  █████▊
total                      5  30,000   7,500        1,000       5,000  $0.1459
"
`);
  });

  it('groups by build', async () => {
    expect((await br('costs', '--by', 'build')).stdout).toMatchInlineSnapshot(`
"build         calls   input  output  cache write  cache read     cost
────────────  ─────  ──────  ──────  ───────────  ──────────  ───────  ────────────────
build-shop-1      3  26,200   6,300        1,000       5,000  $0.1137  ████████████████
build-docs-2      2   3,800   1,200            0           0  $0.0322  ████▌
total             5  30,000   7,500        1,000       5,000  $0.1459
"
`);
  });

  it('groups by UTC day, oldest first, from a date', async () => {
    expect((await br('costs', '--by', 'day', '--since', '2026-11-02')).stdout).toMatchInlineSnapshot(`
"day         calls   input  output  cache write  cache read     cost
──────────  ─────  ──────  ──────  ───────────  ──────────  ───────  ────────────────
2026-11-02      2  21,200   4,300        1,000       5,000  $0.0837  ████████████████
2026-11-03      1     800     200            0           0  $0.0002
2026-11-09      1   3,000   1,000            0           0  $0.0320  ██████▏
total           4  25,000   5,500        1,000       5,000  $0.1159
"
`);
  });

  it('prints exact decimal strings as JSON for one build', async () => {
    const { stdout } = await br('costs', '--by', 'model', '--build', 'build-shop-1', '--json');
    const report = costReport.parse(JSON.parse(stdout));
    expect(report.total.costUsd).toBe('0.1137345');
    expect(report.rows.map((r) => [r.key, r.costUsd])).toEqual([
      ['claude-sonnet-5-5', '0.1125'],
      ['claude-haiku-5-5', '0.0012345'],
    ]);
  });

  it('explains a --since it cannot read, as a usage error', async () => {
    const { code, stdout, stderr } = await br('costs', '--since', 'yesterday');
    expect(code).toBe(2);
    expect(stdout + stderr).toContain('use a span such as 7d');
  });
});

const metricsRow = z.strictObject({
  bucketStart: z.iso.datetime(),
  tasksStarted: z.number().int(),
  tasksSucceeded: z.number().int(),
  tasksFailed: z.number().int(),
  tasksEscalated: z.number().int(),
  costUsd: decimal,
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  durationAvgMs: z.number().int().nullable(),
  durationP95Ms: z.number().int().nullable(),
});
const metricsReport = z.strictObject({
  period: z.enum(['hour', 'day', 'week']),
  model: z.string(),
  since: z.iso.datetime(),
  aggregatedUpTo: z.iso.datetime().nullable(),
  rows: z.array(metricsRow),
});

describe('br metrics', () => {
  const stable = (text: string) => text.replace(/aggregated up to [\d-]+ [\d:]+/, 'aggregated up to <now>');

  it('shows daily rollups with trend sparklines', async () => {
    expect(stable((await br('metrics', '--since', '2026-11-01')).stdout)).toMatchInlineSnapshot(`
"day buckets, all models, UTC (aggregated up to <now>)
day         started  succeeded  failed  escalated     cost   input  output    avg    p95
──────────  ───────  ─────────  ──────  ─────────  ───────  ──────  ──────  ─────  ─────
2026-11-01        0          0       0          0  $0.0300   5,000   2,000      -      -
2026-11-02        2          1       0          1  $0.0837  21,200   4,300  15.0m  15.0m
2026-11-03        1          0       1          0  $0.0002     800     200   2.5m   2.5m
2026-11-08        1          0       0          0  $0.0000       0       0      -      -
2026-11-09        0          1       0          0  $0.0320   3,000   1,000   2.0m   2.0m

cost      ▃█▁▁▄
succeeded ▁█▁▁█
failed    ▁▁█▁▁
"
`);
  });

  it('shows hourly rollups for one model', async () => {
    const out = await br(
      'metrics',
      '--period',
      'hour',
      '--since',
      '2026-11-02',
      '--model',
      'claude-haiku-5-5',
    );
    expect(stable(out.stdout)).toMatchInlineSnapshot(`
"hour buckets, claude-haiku-5-5, UTC (aggregated up to <now>)
hour              started  succeeded  failed  escalated     cost  input  output   avg   p95
────────────────  ───────  ─────────  ──────  ─────────  ───────  ─────  ──────  ────  ────
2026-11-02 09:00        1          0       0          1  $0.0012  1,200     300     -     -
2026-11-03 07:00        1          0       0          0  $0.0000      0       0     -     -
2026-11-03 08:00        0          0       1          0  $0.0002    800     200  2.5m  2.5m

cost      █▁▂
succeeded ▁▁▁
failed    ▁▁█
"
`);
  });

  it('shows weeks starting on Monday', async () => {
    expect(stable((await br('metrics', '--period', 'week', '--since', '2026-10-26')).stdout))
      .toMatchInlineSnapshot(`
"week buckets, all models, UTC (aggregated up to <now>)
week        started  succeeded  failed  escalated     cost   input  output   avg    p95
──────────  ───────  ─────────  ──────  ─────────  ───────  ──────  ──────  ────  ─────
2026-10-26        0          0       0          0  $0.0300   5,000   2,000     -      -
2026-11-02        4          1       1          1  $0.0839  22,000   4,500  8.8m  15.0m
2026-11-09        0          1       0          0  $0.0320   3,000   1,000  2.0m   2.0m

cost      ▃█▄
succeeded ▁██
failed    ▁█▁
"
`);
  });

  it('prints the rollup rows as JSON', async () => {
    const { stdout } = await br('metrics', '--period', 'week', '--since', '2026-10-26', '--json');
    const report = metricsReport.parse(JSON.parse(stdout));
    expect(report.rows.map((r) => [r.bucketStart, r.costUsd, r.tasksStarted])).toEqual([
      ['2026-10-26T00:00:00.000Z', '0.03', 0],
      ['2026-11-02T00:00:00.000Z', '0.0839145', 4],
      ['2026-11-09T00:00:00.000Z', '0.032', 0],
    ]);
  });
});

const summary = z.strictObject({
  filter: z.strictObject({
    buildId: z.string().nullable(),
    type: z.string().nullable(),
    since: z.string().nullable(),
  }),
  total: z.number().int(),
  types: z.array(
    z.strictObject({
      type: z.string(),
      events: z.number().int(),
      first: z.iso.datetime(),
      last: z.iso.datetime(),
    }),
  ),
});
const events = z.strictObject({
  filter: summary.shape.filter,
  events: z.array(
    z.strictObject({
      id: z.string(),
      type: z.string(),
      occurredAt: z.iso.datetime(),
      buildId: z.string().nullable(),
      taskKey: z.string().nullable(),
      model: z.string().nullable(),
      data: z.unknown(),
    }),
  ),
});

describe('br telemetry', () => {
  it('summarises events by type', async () => {
    expect((await br('telemetry', 'summary')).stdout).toMatchInlineSnapshot(`
"type              events  first             last
────────────────  ──────  ────────────────  ────────────────  ────────────────
TASK_STARTED           4  2026-11-02 09:10  2026-11-08 23:59  ████████████████
TASK_COMPLETED         2  2026-11-02 10:45  2026-11-09 00:01  ████████
BUDGET_ALERT           1  2026-11-02 10:45  2026-11-02 10:45  ████
BUILD_STARTED          1  2026-11-01 23:50  2026-11-01 23:50  ████
FALLBACK_APPLIED       1  2026-11-02 09:20  2026-11-02 09:20  ████
TASK_FAILED            1  2026-11-03 08:01  2026-11-03 08:01  ████
10 events
"
`);
  });

  it('summarises one build as JSON', async () => {
    const parsed = summary.parse(
      JSON.parse((await br('telemetry', 'summary', '--build', 'build-docs-2', '--json')).stdout),
    );
    expect(parsed.total).toBe(4);
    expect(parsed.types.map((t) => [t.type, t.events])).toEqual([
      ['TASK_STARTED', 2],
      ['TASK_COMPLETED', 1],
      ['TASK_FAILED', 1],
    ]);
  });

  it('lists events of one type, newest first', async () => {
    expect((await br('telemetry', 'events', '--type', 'TASK_STARTED', '--limit', '3')).stdout)
      .toMatchInlineSnapshot(`
"time              type          build         task    model              detail
────────────────  ────────────  ────────────  ──────  ─────────────────  ──────
2026-11-08 23:59  TASK_STARTED  build-docs-2  readme  claude-opus-5-5
2026-11-03 07:59  TASK_STARTED  build-docs-2  readme  claude-haiku-5-5
2026-11-02 10:30  TASK_STARTED  build-shop-1  api     claude-sonnet-5-5
"
`);
  });

  it('lists events as JSON with their data', async () => {
    const parsed = events.parse(
      JSON.parse((await br('telemetry', 'events', '--build', 'build-shop-1', '--json')).stdout),
    );
    expect(parsed.events).toHaveLength(6);
    expect(parsed.events.find((e) => e.type === 'FALLBACK_APPLIED')?.data).toEqual({
      failureClass: 'HOOK_REJECTED',
      decision: 'escalate to claude-sonnet-5-5',
    });
  });
});

describe('br maintenance and br schedules without a server', () => {
  // Through the folder again, as a user's `br` opens it.
  beforeAll(release);

  it('counts what retention would archive on a dry run, deleting nothing', async () => {
    const { code, stdout } = await br('maintenance', 'retention', '--dry-run', '--days', '1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      dryRun: true,
      eventsDeleted: 10,
      eventsArchived: 0,
      archiveFile: null,
    });
    expect(JSON.parse((await br('telemetry', 'summary', '--json')).stdout).total).toBe(10);
  });

  it('runs aggregation again without changing the rollups', async () => {
    const before = (await br('metrics', '--period', 'week', '--since', '2026-10-26', '--json')).stdout;
    expect((await br('maintenance', 'aggregate', '--json')).code).toBe(0);
    const after = (await br('metrics', '--period', 'week', '--since', '2026-10-26', '--json')).stdout;
    const rows = (s: string) => (JSON.parse(s) as { rows: unknown }).rows;
    expect(rows(after)).toEqual(rows(before));
  });

  it('names the known schedules when given an unknown one', async () => {
    const { code, stdout, stderr } = await br('schedules', 'trigger', 'nightly-backup');
    expect(code).toBe(1);
    expect(stdout + stderr).toContain('Known schedules: metrics-aggregation, retention-cleanup');
  });
});
