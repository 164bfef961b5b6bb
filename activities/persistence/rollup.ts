import type { Database, SqlSession } from '../../lib/db/connection';
import type { AggregateMetricsResult } from '../../lib/contracts';

/**
 * Incremental metrics rollup, in SQL that runs the same on PGlite and PostgreSQL.
 *
 * 1. Find the UTC hours touched by rows recorded since the cursor (TelemetryEvent.recordedAt,
 *    CostEntry.createdAt), so a late event lands in the hour it happened in.
 * 2. Recompute exactly those hour buckets from raw rows; then the UTC days and ISO weeks (Monday
 *    start) containing them: counts, cost and tokens summed from the hour buckets, p95 from raw rows.
 * 3. Upsert on (period, bucketStart, model) and move the cursor, all in one transaction.
 *
 * Recomputing (never adding to) a bucket makes a re-run change nothing. Every query is bounded by
 * the touched time ranges and uses the occurredAt / createdAt / recordedAt indexes, so the cost of a
 * run follows the new data, not the history.
 *
 * Definitions: a task start is a TASK_STARTED event; succeeded/failed are TASK_COMPLETED/TASK_FAILED;
 * escalated is a FALLBACK_APPLIED event whose data.decision starts with "escalate". Durations come
 * from data.durationMs of TASK_COMPLETED/TASK_FAILED events, counted in the hour the task finished;
 * p95 is the exact nearest-rank value (percentile_disc). Per-model rows use the event's model and the
 * cost row's served model; '*' is every row, including events without a model.
 */

export const CURSOR_KIND = 'metrics-aggregation';
/** Set by retention cleanup: raw events before this instant have been archived and deleted. */
export const RETENTION_HORIZON = 'retention-horizon';
/** Rows whose transaction started before the last run but committed after it carry an older recordedAt; re-reading this much of the past catches them (recomputing is idempotent). */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;
const LOCK_ID = 72707401;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const TOTALS = `"tasksStarted", "tasksSucceeded", "tasksFailed", "tasksEscalated", "costUsd", "inputTokens",
  "outputTokens", "cacheWriteTokens", "cacheReadTokens", "taskDurations", "durationSumMs", "durationAvgMs", "durationP95Ms"`;
const UPSERT = `ON CONFLICT (period, "bucketStart", model) DO UPDATE SET
  ${TOTALS.split(',')
    .map((c) => `${c.trim()} = EXCLUDED.${c.trim()}`)
    .join(', ')}, "updatedAt" = now()`;

const DURATION = `CASE WHEN e.type IN ('TASK_COMPLETED', 'TASK_FAILED') AND jsonb_typeof(e.data->'durationMs') = 'number'
  THEN round((e.data->>'durationMs')::numeric)::bigint END`;

const HOUR_SQL = `
WITH hours AS (SELECT unnest($1::timestamptz[]) AS h),
ev AS (
  SELECT hours.h AS bucket, e.model, e.type,
    (e.type = 'FALLBACK_APPLIED' AND coalesce(e.data->>'decision', '') LIKE 'escalate%') AS escalated,
    ${DURATION} AS dur
  FROM hours JOIN "TelemetryEvent" e ON e."occurredAt" >= hours.h AND e."occurredAt" < hours.h + interval '1 hour'
  WHERE e.type IN ('TASK_STARTED', 'TASK_COMPLETED', 'TASK_FAILED', 'FALLBACK_APPLIED')
),
ev_agg AS (
  SELECT bucket, CASE WHEN GROUPING(model) = 1 THEN '*' ELSE model END AS m,
    count(*) FILTER (WHERE type = 'TASK_STARTED') AS started,
    count(*) FILTER (WHERE type = 'TASK_COMPLETED') AS succeeded,
    count(*) FILTER (WHERE type = 'TASK_FAILED') AS failed,
    count(*) FILTER (WHERE escalated) AS escalated,
    count(dur) AS durations, coalesce(sum(dur), 0) AS dur_sum,
    percentile_disc(0.95) WITHIN GROUP (ORDER BY dur) AS p95
  FROM ev GROUP BY GROUPING SETS ((bucket, model), (bucket))
  HAVING GROUPING(model) = 1 OR model IS NOT NULL
),
cost_agg AS (
  SELECT hours.h AS bucket, CASE WHEN GROUPING(c.model) = 1 THEN '*' ELSE c.model END AS m,
    sum(c.usd) AS usd, sum(c."inputTokens") AS input, sum(c."outputTokens") AS output,
    sum(c."cacheWriteTokens") AS cache_write, sum(c."cacheReadTokens") AS cache_read
  FROM hours JOIN "CostEntry" c ON c."createdAt" >= hours.h AND c."createdAt" < hours.h + interval '1 hour' AND c.settled
  GROUP BY GROUPING SETS ((hours.h, c.model), (hours.h))
),
ins AS (
  INSERT INTO "MetricsBucket" (period, "bucketStart", model, ${TOTALS}, "updatedAt")
  SELECT 'hour', coalesce(e.bucket, c.bucket), coalesce(e.m, c.m),
    coalesce(e.started, 0), coalesce(e.succeeded, 0), coalesce(e.failed, 0), coalesce(e.escalated, 0),
    coalesce(c.usd, 0), coalesce(c.input, 0), coalesce(c.output, 0), coalesce(c.cache_write, 0), coalesce(c.cache_read, 0),
    coalesce(e.durations, 0), coalesce(e.dur_sum, 0),
    CASE WHEN e.durations > 0 THEN round(e.dur_sum::numeric / e.durations) END, e.p95, now()
  FROM ev_agg e FULL JOIN cost_agg c ON e.bucket = c.bucket AND e.m = c.m
  ${UPSERT}
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins`;

/** Days and weeks: additive totals from the hour buckets, p95 from the raw duration events of the period. */
const PERIOD_SQL = `
WITH periods AS (SELECT unnest($1::timestamptz[]) AS p),
sums AS (
  SELECT periods.p AS bucket, b.model AS m,
    sum(b."tasksStarted") AS started, sum(b."tasksSucceeded") AS succeeded, sum(b."tasksFailed") AS failed,
    sum(b."tasksEscalated") AS escalated, sum(b."costUsd") AS usd, sum(b."inputTokens") AS input,
    sum(b."outputTokens") AS output, sum(b."cacheWriteTokens") AS cache_write, sum(b."cacheReadTokens") AS cache_read,
    sum(b."taskDurations") AS durations, sum(b."durationSumMs") AS dur_sum
  FROM periods JOIN "MetricsBucket" b
    ON b.period = 'hour' AND b."bucketStart" >= periods.p AND b."bucketStart" < periods.p + $2::interval
  GROUP BY periods.p, b.model
),
pct AS (
  SELECT periods.p AS bucket, CASE WHEN GROUPING(e.model) = 1 THEN '*' ELSE e.model END AS m,
    percentile_disc(0.95) WITHIN GROUP (ORDER BY ${DURATION}) AS p95
  FROM periods JOIN "TelemetryEvent" e ON e.type IN ('TASK_COMPLETED', 'TASK_FAILED')
    AND e."occurredAt" >= periods.p AND e."occurredAt" < periods.p + $2::interval
  GROUP BY GROUPING SETS ((periods.p, e.model), (periods.p))
  HAVING GROUPING(e.model) = 1 OR e.model IS NOT NULL
),
ins AS (
  INSERT INTO "MetricsBucket" (period, "bucketStart", model, ${TOTALS}, "updatedAt")
  SELECT $3::text, s.bucket, s.m, s.started, s.succeeded, s.failed, s.escalated, s.usd, s.input, s.output,
    s.cache_write, s.cache_read, s.durations, s.dur_sum,
    CASE WHEN s.durations > 0 THEN round(s.dur_sum::numeric / s.durations) END, p.p95, now()
  FROM sums s LEFT JOIN pct p ON p.bucket = s.bucket AND p.m = s.m
  ${UPSERT.replace(
    '"durationP95Ms" = EXCLUDED."durationP95Ms"',
    // Before the retention horizon the raw durations are archived: keep the p95 computed while they existed.
    '"durationP95Ms" = CASE WHEN EXCLUDED."bucketStart" < $4::timestamptz THEN "MetricsBucket"."durationP95Ms" ELSE EXCLUDED."durationP95Ms" END',
  )}
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins`;

const TOUCHED_SQL = `
SELECT 'event' AS source, date_trunc('hour', "occurredAt", 'UTC') AS h, count(*)::int AS n
  FROM "TelemetryEvent" WHERE "recordedAt" > $1 AND "recordedAt" <= $2 GROUP BY 2
UNION ALL
SELECT 'cost', date_trunc('hour', "createdAt", 'UTC'), count(*)::int
  FROM "CostEntry" WHERE "createdAt" > $1 AND "createdAt" <= $2 GROUP BY 2`;

export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** Monday 00:00 UTC of the ISO week holding ms (1970-01-01 was a Thursday). */
export function utcWeekStart(ms: number): number {
  const day = utcDayStart(ms);
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function upsertBuckets(
  session: SqlSession,
  hours: number[],
  horizon: Date,
): Promise<Omit<AggregateMetricsResult, 'eventsRead' | 'costRowsRead'>> {
  if (hours.length === 0) return { hourBuckets: 0, dayBuckets: 0, weekBuckets: 0 };
  const days = [...new Set(hours.map(utcDayStart))];
  const weeks = [...new Set(hours.map(utcWeekStart))];
  const count = async (sql: string, params: unknown[]) =>
    (await session.query<{ n: number }>(sql, params))[0]?.n ?? 0;
  const hourBuckets = await count(HOUR_SQL, [hours.map(iso)]);
  // Hours before days, days independent of weeks: both read the hour buckets just written.
  const dayBuckets = await count(PERIOD_SQL, [days.map(iso), '24 hours', 'day', horizon]);
  const weekBuckets = await count(PERIOD_SQL, [weeks.map(iso), '168 hours', 'week', horizon]);
  return { hourBuckets, dayBuckets, weekBuckets };
}

export interface AggregateOptions {
  /** See DEFAULT_OVERLAP_MS. */
  overlapMs?: number;
}

export async function aggregateMetrics(
  db: Database,
  options: AggregateOptions = {},
): Promise<AggregateMetricsResult> {
  const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  return db.withSession(async (session) => {
    await session.exec('BEGIN');
    try {
      // Two runs at once would race on the cursor; the second waits and then finds little to do.
      await session.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      const [cursor] = await session.query<{ position: Date }>(
        `SELECT position FROM "MaintenanceCursor" WHERE kind = $1 FOR UPDATE`,
        [CURSOR_KIND],
      );
      const [{ upTo }] = (await session.query<{ upTo: Date }>(`SELECT now() AS "upTo"`)) as [{ upTo: Date }];
      const from = cursor ? new Date(cursor.position.getTime() - overlapMs) : new Date(0);
      const touched = await session.query<{ source: string; h: Date; n: number }>(TOUCHED_SQL, [from, upTo]);
      const [retained] = await session.query<{ position: Date }>(
        `SELECT position FROM "MaintenanceCursor" WHERE kind = $1`,
        [RETENTION_HORIZON],
      );
      const horizon = retained?.position ?? new Date(0);
      // Hours before the retention horizon have lost raw rows to the archive: recomputing them would
      // shrink their totals, so a late event that old is left out of the rollups.
      const hours = [...new Set(touched.map((t) => t.h.getTime()))]
        .filter((h) => h >= horizon.getTime())
        .sort((a, b) => a - b);
      const sum = (source: string) => touched.filter((t) => t.source === source).reduce((a, t) => a + t.n, 0);
      const buckets = await upsertBuckets(session, hours, horizon);
      await session.query(
        `INSERT INTO "MaintenanceCursor" (kind, position, "updatedAt") VALUES ($1, $2, now())
         ON CONFLICT (kind) DO UPDATE SET position = EXCLUDED.position, "updatedAt" = now()`,
        [CURSOR_KIND, upTo],
      );
      await session.exec('COMMIT');
      return { ...buckets, eventsRead: sum('event'), costRowsRead: sum('cost') };
    } catch (err) {
      await session.exec('ROLLBACK');
      throw err;
    }
  });
}
