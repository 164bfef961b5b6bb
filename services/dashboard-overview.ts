import Decimal from 'decimal.js';
import type { Database } from '../lib/db/connection';
import type { ServiceContext } from './context';
import { webUiLink } from './temporal-client';

/**
 * The dashboard's first screen: one row per repository (a database serves many), answering "is
 * anything on fire, and what is it costing?". Plain JSON-ready values: money as exact decimal
 * strings, instants as ISO strings, days in UTC.
 */

/** Fewer finished tasks than this and a percentile is marked as a small sample. */
export const SMALL_SAMPLE = 20;
const ACTIVE = ['PLANNING', 'RUNNING', 'PAUSED', 'WAITING_FOR_BUDGET', 'CANCELLING', 'DRAINING'];
const FAILED = ['FAILED', 'PARTIAL', 'BUDGET_EXHAUSTED'];
/** A person has to act before these go on: a paused build or one waiting for more budget. */
const AWAITING = ['PAUSED', 'WAITING_FOR_BUDGET'];

export interface ActiveBuild {
  id: string;
  project: string;
  status: string;
  taskCount: number;
  tasksMerged: number;
  /** Whole percent of tasks merged; null when the plan has no tasks yet. */
  percentMerged: number | null;
  elapsedMs: number;
  running: { taskKey: string; title: string }[];
  budgetUsd: string;
  costUsd: string;
  webUiUrl: string;
}

export interface RepoOverview {
  repoPath: string;
  projects: string[];
  builds: number;
  lastBuild: { id: string; status: string; startedAt: string; webUiUrl: string };
  /** Why this row is on top: failed, blocked or awaiting-approval builds (empty: nothing on fire). */
  attention: { buildId: string; reason: 'failed' | 'blocked' | 'awaiting approval'; status: string }[];
  active: ActiveBuild[];
  spend: { todayUsd: string; last7dUsd: string; last30dUsd: string };
  /** The active builds' budgets and spend; the breaker is open when one waits for budget. */
  budget: { activeBudgetUsd: string; activeSpentUsd: string; breaker: 'closed' | 'open' };
  tasks: { succeeded: number; failed: number; successRate: number | null };
  /** All Claude spend of the repository's builds over its succeeded tasks; null when none succeeded. */
  costPerSucceededTaskUsd: string | null;
  duration: { n: number; p50Ms: number | null; p95Ms: number | null; smallSample: boolean };
}

export interface DashboardOverview {
  generatedAt: string;
  repos: RepoOverview[];
}

interface BuildRow {
  id: string;
  project: string;
  repoPath: string;
  status: string;
  budgetUsd: string;
  costUsd: string;
  taskCount: number;
  startedAt: Date;
  merged: string;
  blocked: string;
}

const utcMidnight = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export async function dashboardOverview(
  ctx: ServiceContext,
  db: Database,
  now: Date = new Date(),
): Promise<DashboardOverview> {
  const [builds, running, spend, tasks] = await Promise.all([
    // Every build's latest facts; the per-build task counts only for builds still active.
    db.query<BuildRow>(
      `SELECT b.id, b.project, b."repoPath", b.status, b."budgetUsd"::text AS "budgetUsd",
         b."costUsd"::text AS "costUsd", b."taskCount", b."startedAt",
         coalesce(t.merged, 0)::text AS merged, coalesce(t.blocked, 0)::text AS blocked
       FROM "Build" b LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE status = 'SUCCEEDED') AS merged,
                count(*) FILTER (WHERE status IN ('BLOCKED', 'FAILED')) AS blocked
         FROM "Task" WHERE "buildId" = b.id AND b.status = ANY($1::text[])) t ON true
       ORDER BY b."startedAt" DESC, b.id`,
      [ACTIVE],
    ),
    db.query<{ buildId: string; taskKey: string; title: string }>(
      `SELECT t."buildId", t."taskKey", t.title FROM "Task" t JOIN "Build" b ON b.id = t."buildId"
       WHERE t.status = 'RUNNING' AND b.status = ANY($1::text[]) ORDER BY t."startedAt", t."taskKey"`,
      [ACTIVE],
    ),
    db.query<{ repoPath: string; today: string; d7: string; d30: string; total: string }>(
      `SELECT b."repoPath",
         coalesce(sum(c.usd) FILTER (WHERE c."createdAt" >= $1), 0)::text AS today,
         coalesce(sum(c.usd) FILTER (WHERE c."createdAt" >= $2), 0)::text AS d7,
         coalesce(sum(c.usd) FILTER (WHERE c."createdAt" >= $3), 0)::text AS d30,
         coalesce(sum(c.usd), 0)::text AS total
       FROM "CostEntry" c JOIN "Build" b ON b.id = c."buildId" GROUP BY b."repoPath"`,
      [utcMidnight(now), new Date(now.getTime() - 7 * 86_400_000), new Date(now.getTime() - 30 * 86_400_000)],
    ),
    db.query<{ repoPath: string; succeeded: string; failed: string; n: string; p50: number; p95: number }>(
      `SELECT b."repoPath",
         count(*) FILTER (WHERE t.status = 'SUCCEEDED')::text AS succeeded,
         count(*) FILTER (WHERE t.status = 'FAILED')::text AS failed,
         count(*) FILTER (WHERE t.status = 'SUCCEEDED' AND t."finishedAt" IS NOT NULL
           AND t."startedAt" IS NOT NULL)::text AS n,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t."finishedAt" - t."startedAt") * 1000)
           FILTER (WHERE t.status = 'SUCCEEDED') AS p50,
         percentile_disc(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM t."finishedAt" - t."startedAt") * 1000)
           FILTER (WHERE t.status = 'SUCCEEDED') AS p95
       FROM "Task" t JOIN "Build" b ON b.id = t."buildId" GROUP BY b."repoPath"`,
    ),
  ]);
  const runningOf = groupBy(running, (r) => r.buildId);
  const spendOf = new Map(spend.map((s) => [s.repoPath, s]));
  const tasksOf = new Map(tasks.map((t) => [t.repoPath, t]));
  const repos = [...groupBy(builds, (b) => b.repoPath)].map(([repoPath, rows]) =>
    repoRow(ctx, now, repoPath, rows, runningOf, spendOf.get(repoPath), tasksOf.get(repoPath)),
  );
  repos.sort(
    (a, b) =>
      Number(b.attention.length > 0) - Number(a.attention.length > 0) ||
      b.lastBuild.startedAt.localeCompare(a.lastBuild.startedAt) ||
      a.repoPath.localeCompare(b.repoPath),
  );
  return { generatedAt: now.toISOString(), repos };
}

function repoRow(
  ctx: ServiceContext,
  now: Date,
  repoPath: string,
  rows: BuildRow[],
  runningOf: Map<string, { taskKey: string; title: string }[]>,
  spend: { today: string; d7: string; d30: string; total: string } | undefined,
  t: { succeeded: string; failed: string; n: string; p50: number; p95: number } | undefined,
): RepoOverview {
  const last = rows[0]!;
  const active = rows.filter((b) => ACTIVE.includes(b.status));
  const attention: RepoOverview['attention'] = [];
  // A failure counts while it is the repository's latest word: a later build supersedes it.
  if (FAILED.includes(last.status))
    attention.push({ buildId: last.id, reason: 'failed', status: last.status });
  for (const b of active) {
    if (AWAITING.includes(b.status))
      attention.push({ buildId: b.id, reason: 'awaiting approval', status: b.status });
    else if (Number(b.blocked) > 0) attention.push({ buildId: b.id, reason: 'blocked', status: b.status });
  }
  const succeeded = Number(t?.succeeded ?? 0);
  const failed = Number(t?.failed ?? 0);
  const n = Number(t?.n ?? 0);
  const sum = (f: (b: BuildRow) => string) =>
    active.reduce((a, b) => a.plus(f(b)), new Decimal(0)).toString();
  return {
    repoPath,
    projects: [...new Set(rows.map((b) => b.project))].sort(),
    builds: rows.length,
    lastBuild: {
      id: last.id,
      status: last.status,
      startedAt: new Date(last.startedAt).toISOString(),
      webUiUrl: webUiLink(ctx, last.id),
    },
    attention,
    active: active.map((b) => ({
      id: b.id,
      project: b.project,
      status: b.status,
      taskCount: b.taskCount,
      tasksMerged: Number(b.merged),
      percentMerged: b.taskCount > 0 ? Math.floor((Number(b.merged) * 100) / b.taskCount) : null,
      elapsedMs: Math.max(0, now.getTime() - new Date(b.startedAt).getTime()),
      running: runningOf.get(b.id) ?? [],
      budgetUsd: new Decimal(b.budgetUsd).toString(),
      costUsd: new Decimal(b.costUsd).toString(),
      webUiUrl: webUiLink(ctx, b.id),
    })),
    spend: {
      todayUsd: new Decimal(spend?.today ?? 0).toString(),
      last7dUsd: new Decimal(spend?.d7 ?? 0).toString(),
      last30dUsd: new Decimal(spend?.d30 ?? 0).toString(),
    },
    budget: {
      activeBudgetUsd: sum((b) => b.budgetUsd),
      activeSpentUsd: sum((b) => b.costUsd),
      breaker: active.some((b) => b.status === 'WAITING_FOR_BUDGET') ? 'open' : 'closed',
    },
    tasks: {
      succeeded,
      failed,
      successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    },
    costPerSucceededTaskUsd:
      succeeded > 0
        ? new Decimal(spend?.total ?? 0).dividedBy(succeeded).toDecimalPlaces(10).toString()
        : null,
    duration: {
      n,
      p50Ms: n > 0 ? Math.round(Number(t!.p50)) : null,
      p95Ms: n > 0 ? Math.round(Number(t!.p95)) : null,
      smallSample: n < SMALL_SAMPLE,
    },
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
