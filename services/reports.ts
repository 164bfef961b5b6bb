import Decimal from 'decimal.js';
import type { Database } from '../lib/db/connection';
import { badValue } from '../lib/errors';
import { embeddedDatabaseMissing, withDatabase, type ServiceContext } from './context';

/**
 * The data behind `br costs`, `br metrics` and `br telemetry`: plain JSON-ready values (money as
 * exact decimal strings, instants as ISO strings) so every front end renders the same numbers.
 * Costs come from the raw cost rows (exact and indexed by time); metrics read the rollups, never
 * the raw events.
 */

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `24h`, `2w`, `30m`, a UTC date `2026-11-01`, or an ISO instant. */
export function parseSince(value: string | undefined, now: number = Date.now()): Date | null {
  if (value === undefined) return null;
  const rel = /^(\d+)([mhdw])$/.exec(value.trim());
  if (rel) return new Date(now - Number(rel[1]) * UNITS[rel[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    const iso = value.length === 10 ? `${value}T00:00:00Z` : value;
    const at = new Date(iso);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw badValue(
    `Cannot read --since "${value}": use a span such as 7d, 24h, 2w or a date such as 2026-11-01.`,
  );
}

const money = (v: string | null | undefined) => new Decimal(v ?? 0).toString();
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

// ---- costs ---------------------------------------------------------------------------------------

export const COST_GROUPINGS = ['model', 'task', 'build', 'day'] as const;
export type CostGrouping = (typeof COST_GROUPINGS)[number];

export interface CostTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  /** Settled calls only: the answers' exact prices. */
  costUsd: string;
  /**
   * Requests on record whose answer never settled them (in flight now, or lost with a killed worker):
   * counted at their worst-case estimate, never in calls, tokens or costUsd.
   */
  unsettledCalls: number;
  unsettledUsd: string;
}
export interface CostRow extends CostTotals {
  key: string;
}
export interface CostReport {
  by: CostGrouping;
  since: string | null;
  buildId: string | null;
  rows: CostRow[];
  total: CostTotals;
}

const COST_KEY: Record<CostGrouping, string> = {
  model: `model`,
  task: `coalesce("buildId", '(no build)') || ' / ' || coalesce("taskKey", '(' || purpose || ')')`,
  build: `coalesce("buildId", '(no build)')`,
  day: `to_char(date_trunc('day', "createdAt", 'UTC'), 'YYYY-MM-DD')`,
};

export async function costReport(
  db: Database,
  options: { by?: CostGrouping; since?: Date | null; buildId?: string | null } = {},
): Promise<CostReport> {
  const by = options.by ?? 'model';
  const rows = await db.query<Record<string, string>>(
    `SELECT ${COST_KEY[by]} AS key, count(*) FILTER (WHERE settled)::text AS calls,
       coalesce(sum("inputTokens") FILTER (WHERE settled), 0)::text AS input,
       coalesce(sum("outputTokens") FILTER (WHERE settled), 0)::text AS output,
       coalesce(sum("cacheWriteTokens") FILTER (WHERE settled), 0)::text AS cache_write,
       coalesce(sum("cacheReadTokens") FILTER (WHERE settled), 0)::text AS cache_read,
       coalesce(sum(usd) FILTER (WHERE settled), 0)::text AS usd,
       count(*) FILTER (WHERE NOT settled)::text AS unsettled_calls,
       coalesce(sum(usd) FILTER (WHERE NOT settled), 0)::text AS unsettled_usd
     FROM "CostEntry"
     WHERE ($1::timestamptz IS NULL OR "createdAt" >= $1::timestamptz) AND ($2::text IS NULL OR "buildId" = $2::text)
     GROUP BY 1 ORDER BY ${by === 'day' ? '1' : 'sum(usd) DESC, 1'}`,
    [options.since ?? null, options.buildId ?? null],
  );
  return costReportOf(rows, { ...options, by });
}

function costReportOf(
  rows: Record<string, string>[],
  options: { by: CostGrouping; since?: Date | null; buildId?: string | null },
): CostReport {
  const { by } = options;
  const out: CostRow[] = rows.map((r) => ({
    key: r.key!,
    calls: Number(r.calls),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    cacheWriteTokens: Number(r.cache_write),
    cacheReadTokens: Number(r.cache_read),
    costUsd: money(r.usd),
    unsettledCalls: Number(r.unsettled_calls ?? 0),
    unsettledUsd: money(r.unsettled_usd),
  }));
  const total: CostTotals = {
    calls: out.reduce((a, r) => a + r.calls, 0),
    inputTokens: out.reduce((a, r) => a + r.inputTokens, 0),
    outputTokens: out.reduce((a, r) => a + r.outputTokens, 0),
    cacheWriteTokens: out.reduce((a, r) => a + r.cacheWriteTokens, 0),
    cacheReadTokens: out.reduce((a, r) => a + r.cacheReadTokens, 0),
    costUsd: out.reduce((a, r) => a.plus(r.costUsd), new Decimal(0)).toString(),
    unsettledCalls: out.reduce((a, r) => a + r.unsettledCalls, 0),
    unsettledUsd: out.reduce((a, r) => a.plus(r.unsettledUsd), new Decimal(0)).toString(),
  };
  return { by, since: iso(options.since ?? null), buildId: options.buildId ?? null, rows: out, total };
}

/** "$0.0042 + ≤ $0.0009 unsettled (3 requests in flight or lost)", or just the settled amount. */
export function spentLine(t: Pick<CostTotals, 'costUsd' | 'unsettledCalls' | 'unsettledUsd'>): string {
  const settled = `$${new Decimal(t.costUsd).toFixed(4)}`;
  if (t.unsettledCalls === 0) return settled;
  const n = t.unsettledCalls;
  return `${settled} + ≤ $${new Decimal(t.unsettledUsd).toFixed(4)} unsettled (${n} request${n === 1 ? '' : 's'} in flight or lost in flight)`;
}

// ---- metrics (rollups) ---------------------------------------------------------------------------

export const METRIC_PERIODS = ['hour', 'day', 'week'] as const;
export type MetricPeriod = (typeof METRIC_PERIODS)[number];
const DEFAULT_SPAN: Record<MetricPeriod, string> = { hour: '24h', day: '30d', week: '12w' };

export interface MetricsRow {
  bucketStart: string;
  tasksStarted: number;
  tasksSucceeded: number;
  tasksFailed: number;
  tasksEscalated: number;
  costUsd: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  durationAvgMs: number | null;
  durationP95Ms: number | null;
}
export interface MetricsReport {
  period: MetricPeriod;
  model: string;
  since: string;
  /** Up to where raw rows have been folded into the rollups (null: never aggregated). */
  aggregatedUpTo: string | null;
  rows: MetricsRow[];
}

export async function metricsReport(
  db: Database,
  options: { period?: MetricPeriod; since?: Date | null; model?: string; now?: number } = {},
): Promise<MetricsReport> {
  const period = options.period ?? 'day';
  const model = options.model ?? '*';
  const since = options.since ?? parseSince(DEFAULT_SPAN[period], options.now)!;
  const buckets = await db.prisma.metricsBucket.findMany({
    where: { period, model, bucketStart: { gte: since } },
    orderBy: { bucketStart: 'asc' },
  });
  const cursor = await db.prisma.maintenanceCursor.findUnique({ where: { kind: 'metrics-aggregation' } });
  return {
    period,
    model,
    since: since.toISOString(),
    aggregatedUpTo: cursor ? cursor.position.toISOString() : null,
    rows: buckets.map((b) => ({
      bucketStart: b.bucketStart.toISOString(),
      tasksStarted: b.tasksStarted,
      tasksSucceeded: b.tasksSucceeded,
      tasksFailed: b.tasksFailed,
      tasksEscalated: b.tasksEscalated,
      costUsd: money(b.costUsd.toString()),
      inputTokens: Number(b.inputTokens),
      outputTokens: Number(b.outputTokens),
      cacheWriteTokens: Number(b.cacheWriteTokens),
      cacheReadTokens: Number(b.cacheReadTokens),
      durationAvgMs: b.durationAvgMs,
      durationP95Ms: b.durationP95Ms,
    })),
  };
}

// ---- telemetry -----------------------------------------------------------------------------------

export interface TelemetryFilter {
  buildId?: string | null;
  type?: string | null;
  since?: Date | null;
}
export interface TelemetrySummary {
  filter: { buildId: string | null; type: string | null; since: string | null };
  total: number;
  types: { type: string; events: number; first: string; last: string }[];
}
export interface TelemetryEventView {
  id: string;
  type: string;
  occurredAt: string;
  buildId: string | null;
  taskKey: string | null;
  model: string | null;
  data: unknown;
}

const WHERE = `WHERE ($1::text IS NULL OR "buildId" = $1::text) AND ($2::text IS NULL OR type = $2::text)
  AND ($3::timestamptz IS NULL OR "occurredAt" >= $3::timestamptz)`;
const params = (f: TelemetryFilter) => [f.buildId ?? null, f.type ?? null, f.since ?? null];
const filterView = (f: TelemetryFilter) => ({
  buildId: f.buildId ?? null,
  type: f.type ?? null,
  since: iso(f.since ?? null),
});

export async function telemetrySummary(
  db: Database,
  filter: TelemetryFilter = {},
): Promise<TelemetrySummary> {
  const rows = await db.query<{ type: string; n: string; first: Date; last: Date }>(
    `SELECT type, count(*)::text AS n, min("occurredAt") AS first, max("occurredAt") AS last
     FROM "TelemetryEvent" ${WHERE} GROUP BY type ORDER BY count(*) DESC, type`,
    params(filter),
  );
  const types = rows.map((r) => ({
    type: r.type,
    events: Number(r.n),
    first: iso(r.first)!,
    last: iso(r.last)!,
  }));
  return { filter: filterView(filter), total: types.reduce((a, t) => a + t.events, 0), types };
}

export async function telemetryEvents(
  db: Database,
  filter: TelemetryFilter & { limit?: number } = {},
): Promise<{ filter: TelemetrySummary['filter']; events: TelemetryEventView[] }> {
  const rows = await db.query<Omit<TelemetryEventView, 'occurredAt'> & { occurredAt: Date }>(
    `SELECT id::text AS id, type, "occurredAt", "buildId", "taskKey", model, data
     FROM "TelemetryEvent" ${WHERE} ORDER BY "occurredAt" DESC, id DESC LIMIT $4`,
    [...params(filter), filter.limit ?? 50],
  );
  return { filter: filterView(filter), events: rows.map((r) => ({ ...r, occurredAt: iso(r.occurredAt)! })) };
}

// ---- entry points for front ends ------------------------------------------------------------------

export const costs = async (ctx: ServiceContext, options: Parameters<typeof costReport>[1] = {}) =>
  embeddedDatabaseMissing(ctx)
    ? costReportOf([], { ...options, by: options?.by ?? 'model' })
    : withDatabase(ctx, (db) => costReport(db, options));
export const metrics = (ctx: ServiceContext, options: Parameters<typeof metricsReport>[1]) =>
  withDatabase(ctx, (db) => metricsReport(db, options));
export const telemetry = {
  summary: (ctx: ServiceContext, filter: TelemetryFilter) =>
    withDatabase(ctx, (db) => telemetrySummary(db, filter)),
  events: (ctx: ServiceContext, filter: TelemetryFilter & { limit?: number }) =>
    withDatabase(ctx, (db) => telemetryEvents(db, filter)),
};
