import Decimal from 'decimal.js';
import type { Database } from '../../lib/db/connection';

/**
 * An independent recomputation of the rollups in TypeScript, from the raw rows, for the tests to
 * compare the SQL against. UTC throughout; weeks start on Monday.
 */

export interface BucketView {
  period: string;
  bucketStart: string;
  model: string;
  tasksStarted: number;
  tasksSucceeded: number;
  tasksFailed: number;
  tasksEscalated: number;
  costUsd: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  taskDurations: number;
  durationSumMs: number;
  durationAvgMs: number | null;
  durationP95Ms: number | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function starts(ms: number): Record<string, number> {
  const hour = Math.floor(ms / HOUR) * HOUR;
  const day = Math.floor(ms / DAY) * DAY;
  const week = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
  return { hour, day, week };
}

function empty(period: string, bucketStart: number, model: string) {
  return {
    period,
    bucketStart: new Date(bucketStart).toISOString(),
    model,
    tasksStarted: 0,
    tasksSucceeded: 0,
    tasksFailed: 0,
    tasksEscalated: 0,
    cost: new Decimal(0),
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    durations: [] as number[],
    relevant: false,
  };
}

export async function recomputeFromRaw(db: Database): Promise<BucketView[]> {
  const events = await db.prisma.telemetryEvent.findMany();
  const costs = await db.prisma.costEntry.findMany();
  const buckets = new Map<string, ReturnType<typeof empty>>();
  const touch = (ms: number, model: string | null, fn: (b: ReturnType<typeof empty>) => void) => {
    for (const [period, start] of Object.entries(starts(ms))) {
      for (const m of model === null ? ['*'] : ['*', model]) {
        const key = `${period}|${start}|${m}`;
        if (!buckets.has(key)) buckets.set(key, empty(period, start, m));
        const b = buckets.get(key)!;
        b.relevant = true;
        fn(b);
      }
    }
  };
  for (const e of events) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const at = e.occurredAt.getTime();
    if (e.type === 'TASK_STARTED') touch(at, e.model, (b) => b.tasksStarted++);
    if (e.type === 'TASK_COMPLETED' || e.type === 'TASK_FAILED') {
      touch(at, e.model, (b) => {
        if (e.type === 'TASK_COMPLETED') b.tasksSucceeded++;
        else b.tasksFailed++;
        if (typeof data.durationMs === 'number') b.durations.push(Math.round(data.durationMs));
      });
    }
    if (e.type === 'FALLBACK_APPLIED') {
      const escalated = typeof data.decision === 'string' && data.decision.startsWith('escalate');
      touch(at, e.model, (b) => (b.tasksEscalated += escalated ? 1 : 0));
    }
  }
  for (const c of costs) {
    touch(c.createdAt.getTime(), c.model, (b) => {
      b.cost = b.cost.plus(c.usd.toString());
      b.inputTokens += c.inputTokens;
      b.outputTokens += c.outputTokens;
      b.cacheWriteTokens += c.cacheWriteTokens;
      b.cacheReadTokens += c.cacheReadTokens;
    });
  }
  return [...buckets.values()].map((b) => {
    const sorted = [...b.durations].sort((x, y) => x - y);
    const sum = sorted.reduce((a, d) => a + d, 0);
    return {
      period: b.period,
      bucketStart: b.bucketStart,
      model: b.model,
      tasksStarted: b.tasksStarted,
      tasksSucceeded: b.tasksSucceeded,
      tasksFailed: b.tasksFailed,
      tasksEscalated: b.tasksEscalated,
      costUsd: b.cost.toString(),
      inputTokens: b.inputTokens,
      outputTokens: b.outputTokens,
      cacheWriteTokens: b.cacheWriteTokens,
      cacheReadTokens: b.cacheReadTokens,
      taskDurations: sorted.length,
      durationSumMs: sum,
      durationAvgMs: sorted.length ? Math.round(sum / sorted.length) : null,
      // Nearest rank: the smallest value with at least 95 % of the values at or below it.
      durationP95Ms: sorted.length ? sorted[Math.ceil(0.95 * sorted.length) - 1]! : null,
    };
  });
}

export async function storedBuckets(db: Database): Promise<BucketView[]> {
  const rows = await db.prisma.metricsBucket.findMany();
  return rows.map((r) => ({
    period: r.period,
    bucketStart: r.bucketStart.toISOString(),
    model: r.model,
    tasksStarted: r.tasksStarted,
    tasksSucceeded: r.tasksSucceeded,
    tasksFailed: r.tasksFailed,
    tasksEscalated: r.tasksEscalated,
    costUsd: new Decimal(r.costUsd.toString()).toString(),
    inputTokens: Number(r.inputTokens),
    outputTokens: Number(r.outputTokens),
    cacheWriteTokens: Number(r.cacheWriteTokens),
    cacheReadTokens: Number(r.cacheReadTokens),
    taskDurations: r.taskDurations,
    durationSumMs: Number(r.durationSumMs),
    durationAvgMs: r.durationAvgMs,
    durationP95Ms: r.durationP95Ms,
  }));
}

export const byKey = (rows: BucketView[]) =>
  [...rows].sort((a, b) =>
    `${a.period}|${a.bucketStart}|${a.model}`.localeCompare(`${b.period}|${b.bucketStart}|${b.model}`),
  );
