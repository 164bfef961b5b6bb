import Decimal from 'decimal.js';
import { type Database } from '../lib/db/connection';
import { openDatabase } from '../activities/db/connection';
import { resolveDatabaseTarget } from '../activities/db/target';
import { UserError } from '../lib/errors';
import { buildStatus, type BuildStatusReport } from './build-status';
import { embeddedDatabaseMissing, type ServiceContext } from './context';
import { costReport, type CostReport } from './reports';
import { webUiLink } from './temporal-client';

/**
 * The dashboard's build page: what the database recorded about one build (its task graph, attempts,
 * events and cost over time) next to its live status from Temporal, which is exactly what
 * `br build status --json` prints.
 */

export interface BuildTaskRecord {
  taskKey: string;
  title: string;
  status: string;
  model: string | null;
  attempts: number;
  costUsd: string;
  dependsOn: string[];
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  tries: { attempt: number; model: string; outcome: string; failureClass: string | null; costUsd: string }[];
}

export interface BuildEventView {
  id: string;
  type: string;
  taskKey: string | null;
  model: string | null;
  occurredAt: string;
}

export interface DashboardBuild {
  id: string;
  project: string;
  repoPath: string;
  status: string;
  budgetUsd: string;
  costUsd: string;
  startedAt: string;
  finishedAt: string | null;
  webUiUrl: string | null;
  tasks: BuildTaskRecord[];
  events: BuildEventView[];
  costByDay: CostReport;
  costByWeek: { week: string; costUsd: string }[];
  /** The live status (`br build status --json`), or why it could not be read right now. */
  live: { status: BuildStatusReport } | { error: string };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export class BuildNotFoundError extends UserError {
  constructor(readonly buildId: string) {
    super(`No build "${buildId}" in this database. List builds with \`br build list\`.`);
  }
}

export async function dashboardBuild(ctx: ServiceContext, db: Database, id: string): Promise<DashboardBuild> {
  const build = await db.prisma.build.findUnique({ where: { id } });
  if (!build) throw new BuildNotFoundError(id);
  const [tasks, attempts, events, costByDay, live] = await Promise.all([
    db.prisma.task.findMany({ where: { buildId: id }, orderBy: [{ startedAt: 'asc' }, { taskKey: 'asc' }] }),
    db.prisma.taskAttempt.findMany({
      where: { buildId: id },
      orderBy: [{ taskKey: 'asc' }, { attempt: 'asc' }],
    }),
    db.query<{ id: string; type: string; taskKey: string | null; model: string | null; occurredAt: Date }>(
      `SELECT id::text AS id, type, "taskKey", model, "occurredAt" FROM "TelemetryEvent"
       WHERE "buildId" = $1 ORDER BY "occurredAt", id LIMIT 500`,
      [id],
    ),
    costReport(db, { by: 'day', buildId: id }),
    liveStatus(ctx, id),
  ]);
  return {
    id: build.id,
    project: build.project,
    repoPath: build.repoPath,
    status: build.status,
    budgetUsd: build.budgetUsd.toString(),
    costUsd: build.costUsd.toString(),
    startedAt: iso(build.startedAt)!,
    finishedAt: iso(build.finishedAt),
    webUiUrl: webUiLink(ctx, build.id),
    tasks: tasks.map((t) => ({
      taskKey: t.taskKey,
      title: t.title,
      status: t.status,
      model: t.model,
      attempts: t.attempts,
      costUsd: t.costUsd.toString(),
      dependsOn: t.dependsOn,
      error: t.error,
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
      tries: attempts
        .filter((a) => a.taskKey === t.taskKey)
        .map((a) => ({
          attempt: a.attempt,
          model: a.model,
          outcome: a.outcome,
          failureClass: a.failureClass,
          costUsd: a.costUsd.toString(),
        })),
    })),
    events: events.map((e) => ({ ...e, occurredAt: iso(e.occurredAt)! })),
    costByDay,
    costByWeek: weeksOf(costByDay),
    live,
  };
}

/** How long a page waits for Temporal before it shows the recorded state alone. */
export const LIVE_STATUS_TIMEOUT_MS = 3000;

async function liveStatus(ctx: ServiceContext, id: string): Promise<DashboardBuild['live']> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<DashboardBuild['live']>((resolve) => {
    timer = setTimeout(
      () => resolve({ error: `Temporal did not answer within ${LIVE_STATUS_TIMEOUT_MS / 1000} s.` }),
      LIVE_STATUS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      buildStatus(ctx, id).then(
        (status) => ({ status }),
        (err: Error) => ({ error: err.message }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Daily rows folded into ISO weeks, each named by its Monday (UTC). */
export function weeksOf(days: CostReport): { week: string; costUsd: string }[] {
  const weeks = new Map<string, Decimal>();
  for (const row of days.rows) {
    const day = new Date(`${row.key}T00:00:00Z`);
    const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000);
    const key = monday.toISOString().slice(0, 10);
    weeks.set(key, (weeks.get(key) ?? new Decimal(0)).plus(row.costUsd));
  }
  return [...weeks].map(([week, usd]) => ({ week, costUsd: usd.toString() }));
}

/**
 * A cheap fingerprint of everything the dashboard shows: when it changes, pages refresh. Four index
 * lookups, so the live stream can ask every second.
 */
export async function changeMark(db: Database): Promise<string> {
  const [row] = await db.query<Record<string, string | null>>(
    `SELECT (SELECT max("updatedAt") FROM "Build")::text AS b, (SELECT max("updatedAt") FROM "Task")::text AS t,
       (SELECT max(id) FROM "CostEntry")::text AS c, (SELECT max(id) FROM "TelemetryEvent")::text AS e,
       (SELECT count(*) FROM "Build")::text AS n`,
  );
  return Object.values(row ?? {}).join('|');
}

/**
 * The database the dashboard holds for its lifetime, opened read-only: the server itself refuses writes.
 * An embedded database that was never created is not created here.
 */
export async function openDashboardDatabase(ctx: ServiceContext): Promise<Database> {
  const target = resolveDatabaseTarget(ctx);
  if (embeddedDatabaseMissing(ctx))
    throw new UserError(
      `No BuildRunner database at ${target.kind === 'pglite' ? target.dataDir : 'the configured URL'} yet: ` +
        'nothing has been recorded here. Start a build first, or point DATABASE_URL at the shared database.',
    );
  return openDatabase(target, { readOnly: true });
}
