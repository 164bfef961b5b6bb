import { aggregateMetrics } from '../activities/persistence/rollup';
import { type Database } from '../lib/db/connection';
import { migrate } from '../activities/db/migrate';
import { openBenchDatabase } from './databases';
import { type BenchResources, withResources } from './resources';
import type { BenchModule } from './types';

/**
 * Issue 8 item 4: the hourly rollup's cost follows the new data, not the history. A year of
 * telemetry and cost rows is generated in SQL (generate_series); we time a full rollup (what a
 * non-incremental job would redo every hour) against an incremental run after 10,000 new events,
 * on PostgreSQL and on embedded PGlite.
 */

const NEW_EVENTS = 10_000;
const ROUNDS = 3;

async function seedHistory(db: Database, events: number, costs: number): Promise<void> {
  // Spread over the 365 days before now; the type cycle gives 1/5 starts, 1/5 completions with a duration, …
  await db.exec(`
    INSERT INTO "TelemetryEvent" (type, "buildId", "taskKey", model, data, "occurredAt", "dedupeKey")
    SELECT (ARRAY['TASK_STARTED','TASK_COMPLETED','TASK_FAILED','FALLBACK_APPLIED','MODEL_SELECTED'])[1 + i % 5],
      'build-' || (i / 500), 't' || (i % 500),
      (ARRAY['claude-haiku-5-5','claude-sonnet-5-5','claude-opus-5-5'])[1 + i % 3],
      CASE i % 5 WHEN 1 THEN jsonb_build_object('durationMs', (i::bigint * 7919) % 900000)
                 WHEN 2 THEN jsonb_build_object('durationMs', (i::bigint * 104729) % 900000)
                 WHEN 3 THEN jsonb_build_object('decision', CASE WHEN i % 2 = 0 THEN 'escalate to claude-opus-5-5' ELSE 'retry-same-model' END)
                 ELSE NULL END,
      now() - (i::double precision / ${events}) * interval '365 days', 'h' || i
    FROM generate_series(1, ${events}) AS i;
    INSERT INTO "CostEntry" ("idempotencyKey", "buildId", "taskKey", purpose, "requestedModel", model,
      "priceTableVersion", "inputTokens", "outputTokens", "cacheReadTokens", usd, "createdAt")
    SELECT 'c' || i, 'build-' || (i / 100), 't' || (i % 500), 'agent', 'claude-sonnet-5-5',
      (ARRAY['claude-haiku-5-5','claude-sonnet-5-5','claude-opus-5-5'])[1 + i % 3], 'bench',
      (i * 31) % 100000, (i * 17) % 20000, (i * 13) % 50000, ((i % 1000) + 1) / 100000.0,
      now() - (i::double precision / ${costs}) * interval '365 days'
    FROM generate_series(1, ${costs}) AS i;
    ANALYZE "TelemetryEvent"; ANALYZE "CostEntry";`);
}

async function addRecent(db: Database, round: number): Promise<void> {
  await db.exec(`
    INSERT INTO "TelemetryEvent" (type, "buildId", "taskKey", model, data, "occurredAt", "dedupeKey")
    SELECT (ARRAY['TASK_STARTED','TASK_COMPLETED','TASK_FAILED'])[1 + i % 3], 'build-new', 't' || i,
      (ARRAY['claude-haiku-5-5','claude-sonnet-5-5','claude-opus-5-5'])[1 + i % 3],
      CASE WHEN i % 3 > 0 THEN jsonb_build_object('durationMs', (i::bigint * 7919) % 900000) END,
      now() - (i % 3000) * interval '1 second', 'new-${round}-' || i
    FROM generate_series(1, ${NEW_EVENTS}) AS i;`);
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - started) / 1e6, result];
}

interface Row {
  target: string;
  events: number;
  costs: number;
  seedMs: number;
  fullMs: number;
  incrementalMs: number;
  buckets: string;
}

async function measure(
  res: BenchResources,
  target: 'postgres' | 'pglite',
  events: number,
  costs: number,
): Promise<Row> {
  const db = await openBenchDatabase(res, target);
  await migrate(db);
  const [seedMs] = await time(() => seedHistory(db, events, costs));
  process.stderr.write(
    `  ${target}: seeded ${events} events + ${costs} cost rows in ${(seedMs / 1000).toFixed(1)} s\n`,
  );
  const [fullMs, full] = await time(() => aggregateMetrics(db));
  process.stderr.write(`  ${target}: full rollup ${(fullMs / 1000).toFixed(1)} s\n`);
  const incremental: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await addRecent(db, round);
    const [ms, result] = await time(() => aggregateMetrics(db, { overlapMs: 0 }));
    if (result.eventsRead !== NEW_EVENTS) throw new Error(`incremental run read ${result.eventsRead} events`);
    incremental.push(ms);
  }
  incremental.sort((a, b) => a - b);
  return {
    target,
    events,
    costs,
    seedMs,
    fullMs,
    incrementalMs: incremental[Math.floor(ROUNDS / 2)]!,
    buckets: `${full.hourBuckets} h / ${full.dayBuckets} d / ${full.weekBuckets} w`,
  };
}

const bench: BenchModule = {
  name: 'rollup',
  async run() {
    const pgEvents = Number(process.env.BENCH_ROLLUP_EVENTS ?? 1_000_000);
    const pgliteEvents = Number(process.env.BENCH_ROLLUP_PGLITE_EVENTS ?? pgEvents);
    const rows = [
      await withResources((res) => measure(res, 'postgres', pgEvents, pgEvents / 5)),
      await withResources((res) => measure(res, 'pglite', pgliteEvents, pgliteEvents / 5)),
    ];
    const s = (ms: number) => (ms / 1000).toFixed(2);
    const table = [
      '| database | history (events + cost rows) | full rollup (s) | incremental after 10,000 new events (s, median of 3) | full ÷ incremental | buckets written by the full run |',
      '|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.target} | ${r.events.toLocaleString('en-US')} + ${r.costs.toLocaleString('en-US')} over 365 days | ${s(r.fullMs)} | ${s(r.incrementalMs)} | **${(r.fullMs / r.incrementalMs).toFixed(1)}×** | ${r.buckets} |`,
      ),
    ];
    return {
      title: 'Metrics rollup: full vs incremental (issue 8 item 4, target ≥ 20×)',
      command: 'npx tsx bench/run.ts rollup',
      markdown: [
        ...table,
        '',
        'The baseline is the same `aggregateMetrics` with no cursor (every hour of the history recomputed),',
        'which is what a non-incremental job would redo each hour. The incremental run is the hourly case:',
        '10,000 events recorded since the last run, all within the last hour, so it recomputes one hour,',
        "one day and one week per model (the week p95 reads that week's duration events, ~1/52 of the history).",
        'History is generated with `generate_series` and ANALYZEd before timing (as autovacuum would).',
        `PostgreSQL: the local server at 127.0.0.1:5432; PGlite: in memory, in this process. Machine shared with other work: figures vary run to run.`,
      ].join('\n'),
    };
  },
};

export default bench;
