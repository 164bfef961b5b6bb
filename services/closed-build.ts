/**
 * The status of a build whose workflow has closed, without a worker: a query on a closed workflow is
 * answered by a worker replaying it (30 s and INTERNAL "Failed to query Workflow" when none runs).
 * Instead: the outcome and totals from the workflow's result (its last history event), the times from
 * its description, and the tasks from the database rows the build recorded; or all of it from the rows
 * when they hold the build's recorded end (recordedFinish).
 */
import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import Decimal from 'decimal.js';
import type { Database } from '../lib/db/connection';
import type { BuildResult, BuildSummary } from '../workflows/core/types';
import type { BuildStatus, ProgressSnapshot, TaskProgress } from './build-types';
import { embeddedDatabaseMissing, withDatabase, type ServiceContext } from './context';

interface TaskRow {
  taskKey: string;
  title: string;
  status: string;
  complexity: string | null;
  model: string | null;
  attempts: number;
  costUsd: string;
  error: string | null;
  dependsOn: string[];
  startedAt: Date | null;
  finishedAt: Date | null;
}

const STATES = new Set(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED']);

/** The tasks the build recorded, in the order they started (plain SQL: no Prisma client to load). */
async function taskRows(db: Database, id: string): Promise<TaskProgress[]> {
  const rows = await db.query<TaskRow>(
    `SELECT "taskKey", title, status, complexity, model, attempts, "costUsd"::text AS "costUsd", error,
           "dependsOn", "startedAt", "finishedAt"
         FROM "Task" WHERE "buildId" = $1 ORDER BY "startedAt" ASC, "taskKey" ASC`,
    [id],
  );
  return rows.map((t): TaskProgress => ({
    id: t.taskKey,
    title: t.title,
    state: (STATES.has(t.status) ? t.status : 'PENDING') as TaskProgress['state'],
    ...(t.complexity ? { complexity: t.complexity as TaskProgress['complexity'] } : {}),
    ...(t.model ? { model: t.model } : {}),
    attempts: t.attempts,
    costUsd: new Decimal(t.costUsd).toString(),
    ...(t.error ? { error: t.error } : {}),
    dependsOn: t.dependsOn,
    ...(t.startedAt ? { startedAt: new Date(t.startedAt).getTime() } : {}),
    ...(t.finishedAt ? { finishedAt: new Date(t.finishedAt).getTime() } : {}),
  }));
}

/** The tasks, none when the database cannot say. */
async function recordedTasks(ctx: ServiceContext, id: string): Promise<TaskProgress[]> {
  if (embeddedDatabaseMissing(ctx)) return [];
  try {
    return await withDatabase(ctx, (db) => taskRows(db, id));
  } catch {
    // The outcome still shows when the database is busy or unreachable; the task list is an extra.
    return [];
  }
}

export async function closedBuildProgress(
  ctx: ServiceContext,
  handle: WorkflowHandle,
  described: WorkflowExecutionDescription,
): Promise<ProgressSnapshot> {
  const now = described.closeTime?.getTime() ?? Date.now();
  const [ended, tasks] = await Promise.all([
    (handle.result() as Promise<BuildResult>).then(
      (r) => ({ ok: true as const, result: r }),
      (err: unknown) => ({ ok: false as const, message: err instanceof Error ? err.message : String(err) }),
    ),
    recordedTasks(ctx, handle.workflowId),
  ]);
  const counts = countsOf(tasks);
  if (!ended.ok) {
    // Terminated, timed out or failed as a workflow: the build did not record an outcome of its own.
    const status: BuildStatus = described.status.name === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
    const spent = tasks.reduce((sum, t) => sum + Number(t.costUsd), 0).toFixed(2);
    return {
      buildId: handle.workflowId,
      status,
      paused: false,
      tasks,
      counts,
      budget: {
        limitUsd: '0',
        spentUsd: spent,
        reservedUsd: '0',
        leftUsd: '0',
        fractionUsed: 0,
        breaker: 'closed',
      },
      startedAt: described.startTime.getTime(),
      now,
      elapsedMs: now - described.startTime.getTime(),
      alerts: [],
      generation: 0,
      failure: {
        code: `WORKFLOW_${described.status.name}`,
        message: `The build's workflow ended ${described.status.name}: ${ended.message}`,
      },
    };
  }
  return fromSummary(handle.workflowId, ended.result.summary, tasks, now);
}

function countsOf(tasks: TaskProgress[]): ProgressSnapshot['counts'] {
  const counts = { PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0 };
  for (const t of tasks) counts[t.state] += 1;
  return counts;
}

const OUTCOMES = new Set<string>(['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED']);

/**
 * A finished build as its database rows tell it, without Temporal: the build records its outcome and
 * summary (the workflow's result) as it ends, so the status of a finished build needs neither the
 * Temporal client (most of a one-shot read's start-up) nor a worker. Null when the rows hold no finished
 * build (running, recorded elsewhere, or a workflow that ended without recording an outcome): Temporal answers.
 */
export async function recordedFinish(
  ctx: ServiceContext,
  id: string,
): Promise<{ progress: ProgressSnapshot; parallel: number } | null> {
  if (embeddedDatabaseMissing(ctx)) return null;
  try {
    return await withDatabase(ctx, async (db) => {
      const [row] = await db.query<{
        status: string;
        summary: BuildSummary | null;
        parallel: number;
        finishedAt: Date | null;
      }>(`SELECT status, summary, parallel, "finishedAt" FROM "Build" WHERE id = $1`, [id]);
      if (!row || !OUTCOMES.has(row.status) || !row.summary?.outcome || !row.finishedAt) return null;
      const now = new Date(row.finishedAt).getTime();
      return { progress: fromSummary(id, row.summary, await taskRows(db, id), now), parallel: row.parallel };
    });
  } catch {
    return null;
  }
}

function fromSummary(buildId: string, s: BuildSummary, tasks: TaskProgress[], now: number): ProgressSnapshot {
  const counts = countsOf(tasks);
  const limit = Number(s.budgetUsd);
  const spent = Number(s.spentUsd);
  const { total: _total, ...summaryCounts } = s.tasks;
  return {
    buildId,
    status: s.outcome,
    paused: false,
    tasks,
    counts: { ...counts, ...summaryCounts },
    budget: {
      limitUsd: s.budgetUsd,
      spentUsd: s.spentUsd,
      reservedUsd: '0',
      leftUsd: Math.max(0, limit - spent).toFixed(2),
      fractionUsed: limit > 0 ? spent / limit : 0,
      breaker: 'closed',
    },
    // A build that continued as new started before its last run: its elapsed time is the summary's.
    startedAt: now - s.elapsedMs,
    now,
    elapsedMs: s.elapsedMs,
    alerts: [],
    generation: s.generation,
    ...(s.failure ? { failure: s.failure } : {}),
    ...(s.delivery ? { delivery: s.delivery } : {}),
  };
}
