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
const ACTIVE = [
  'PLANNING',
  'AWAITING_APPROVAL',
  'RUNNING',
  'PAUSED',
  'WAITING_FOR_BUDGET',
  'CANCELLING',
  'DRAINING',
];
const FAILED = ['FAILED', 'PARTIAL', 'BUDGET_EXHAUSTED'];
/** A person has to act before these go on: a plan to approve, a paused build, one waiting for more budget. */
const AWAITING = ['AWAITING_APPROVAL', 'PAUSED', 'WAITING_FOR_BUDGET'];

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
  webUiUrl: string | null;
}

export interface RepoOverview {
  repoPath: string;
  projects: string[];
  builds: number;
  lastBuild: { id: string; status: string; startedAt: string; webUiUrl: string | null };
  /** Why this row is on top: failed, blocked or awaiting-approval builds (empty: nothing on fire). */
  attention: { buildId: string; reason: 'failed' | 'blocked' | 'awaiting approval'; status: string }[];
  active: ActiveBuild[];
  spend: { todayUsd: string; last7dUsd: string; last30dUsd: string };
  /** The active builds' budgets and spend; the breaker is open when one waits for budget. */
  budget: { activeBudgetUsd: string; activeSpentUsd: string; breaker: 'closed' | 'open' };
  tasks: { succeeded: number; failed: number; successRate: number | null };
  /** The last 30 days' spend over the tasks that succeeded in builds started then; null when none did. */
  costPerSucceededTaskUsd: string | null;
  duration: { n: number; p50Ms: number | null; p95Ms: number | null; smallSample: boolean };
}

export interface DashboardOverview {
  generatedAt: string;
  /** Success rate, cost per succeeded task and durations cover the builds started since then (30 days). */
  statsSince: string;
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

interface TaskStats {
  repoPath: string;
  succeeded: string;
  failed: string;
  n: string;
  p50: number;
  p95: number;
}

const BUILD_COLUMNS = `b.id, b.project, b."repoPath", b.status, b."budgetUsd"::text AS "budgetUsd",
  b."costUsd"::text AS "costUsd", b."taskCount", b."startedAt"`;

const utcMidnight = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export async function dashboardOverview(
  ctx: ServiceContext,
  db: Database,
  now: Date = new Date(),
): Promise<DashboardOverview> {
  const since30d = new Date(now.getTime() - 30 * 86_400_000);
  // Each query reads through an index or the Build table only: nothing scans every task or cost row.
  const [latest, active, running, spend, tasks] = await Promise.all([
    // The repositories with their counts, and one index lookup each for the latest build.
    db.query<BuildRow & { builds: string; projects: string[] }>(
      `SELECT ${BUILD_COLUMNS}, '0' AS merged, '0' AS blocked, r.builds, r.projects
       FROM (SELECT "repoPath", count(*)::text AS builds, array_agg(DISTINCT project) AS projects
             FROM "Build" GROUP BY "repoPath") r
       CROSS JOIN LATERAL (SELECT * FROM "Build" x WHERE x."repoPath" = r."repoPath"
         ORDER BY x."startedAt" DESC, x.id LIMIT 1) b`,
    ),
    db.query<BuildRow>(
      `SELECT ${BUILD_COLUMNS},
         (SELECT count(*) FROM "Task" t WHERE t."buildId" = b.id AND t.status = 'SUCCEEDED')::text AS merged,
         (SELECT count(*) FROM "Task" t WHERE t."buildId" = b.id AND t.status IN ('BLOCKED', 'FAILED'))::text AS blocked
       FROM "Build" b WHERE b.status = ANY($1::text[]) ORDER BY b."startedAt" DESC, b.id`,
      [ACTIVE],
    ),
    db.query<{ buildId: string; taskKey: string; title: string }>(
      `SELECT t."buildId", t."taskKey", t.title FROM "Task" t JOIN "Build" b ON b.id = t."buildId"
       WHERE t.status = 'RUNNING' AND b.status = ANY($1::text[]) ORDER BY t."startedAt", t."taskKey"`,
      [ACTIVE],
    ),
    db.query<{ repoPath: string; today: string; d7: string; d30: string }>(
      // Summed per build first (a few hundred rows), then per repository.
      `SELECT b."repoPath", coalesce(sum(c.today), 0)::text AS today, coalesce(sum(c.d7), 0)::text AS d7,
         coalesce(sum(c.d30), 0)::text AS d30
       FROM (SELECT "buildId", sum(usd) FILTER (WHERE "createdAt" >= $1) AS today,
               sum(usd) FILTER (WHERE "createdAt" >= $2) AS d7, sum(usd) AS d30
             FROM "CostEntry" WHERE "createdAt" >= $3 GROUP BY "buildId") c
       JOIN "Build" b ON b.id = c."buildId" GROUP BY b."repoPath"`,
      [utcMidnight(now), new Date(now.getTime() - 7 * 86_400_000), since30d],
    ),
    // Rates and durations of the builds started in the window.
    db.query<TaskStats>(
      `WITH recent AS (SELECT id, "repoPath" FROM "Build" WHERE "startedAt" >= $1),
       -- OFFSET 0 keeps the lateral a per-build index lookup instead of a hash of every task.
       done AS (SELECT r."repoPath", t.status, extract(epoch FROM t."finishedAt" - t."startedAt") * 1000 AS ms
         FROM recent r CROSS JOIN LATERAL (SELECT status, "startedAt", "finishedAt" FROM "Task"
           WHERE "buildId" = r.id OFFSET 0) t)
       SELECT d."repoPath",
         count(*) FILTER (WHERE d.status = 'SUCCEEDED')::text AS succeeded,
         count(*) FILTER (WHERE d.status = 'FAILED')::text AS failed,
         count(d.ms) FILTER (WHERE d.status = 'SUCCEEDED')::text AS n,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY d.ms) FILTER (WHERE d.status = 'SUCCEEDED') AS p50,
         percentile_disc(0.95) WITHIN GROUP (ORDER BY d.ms) FILTER (WHERE d.status = 'SUCCEEDED') AS p95
       FROM done d GROUP BY d."repoPath"`,
      [since30d],
    ),
  ]);
  const runningOf = groupBy(running, (r) => r.buildId);
  const spendOf = new Map(spend.map((s) => [s.repoPath, s]));
  const tasksOf = new Map(tasks.map((t) => [t.repoPath, t]));
  const activeOf = groupBy(active, (b) => b.repoPath);
  const repos = latest.map((r) =>
    repoRow(ctx, now, {
      repoPath: r.repoPath,
      builds: Number(r.builds),
      projects: [...r.projects].sort(),
      last: r,
      active: activeOf.get(r.repoPath) ?? [],
      runningOf,
      spend: spendOf.get(r.repoPath),
      stats: tasksOf.get(r.repoPath),
    }),
  );
  repos.sort(
    (a, b) =>
      Number(b.attention.length > 0) - Number(a.attention.length > 0) ||
      b.lastBuild.startedAt.localeCompare(a.lastBuild.startedAt) ||
      a.repoPath.localeCompare(b.repoPath),
  );
  return { generatedAt: now.toISOString(), statsSince: since30d.toISOString(), repos };
}

interface RepoFacts {
  repoPath: string;
  builds: number;
  projects: string[];
  last: BuildRow;
  active: BuildRow[];
  runningOf: Map<string, { taskKey: string; title: string }[]>;
  spend: { today: string; d7: string; d30: string } | undefined;
  stats: TaskStats | undefined;
}

function repoRow(ctx: ServiceContext, now: Date, f: RepoFacts): RepoOverview {
  const { repoPath, last, active, runningOf, spend, stats: t } = f;
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
  const sum = (pick: (b: BuildRow) => string) =>
    active.reduce((a, b) => a.plus(pick(b)), new Decimal(0)).toString();
  return {
    repoPath,
    projects: f.projects,
    builds: f.builds,
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
      succeeded > 0 ? new Decimal(spend?.d30 ?? 0).dividedBy(succeeded).toDecimalPlaces(10).toString() : null,
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
