import { Prisma } from '@prisma/client';
import type { Database } from '../../lib/db/connection';
import type {
  AttemptCost,
  AttemptKey,
  RecordAttemptInput,
  RecordBuildInput,
  RecordTaskInput,
  TelemetryEventInput,
} from '../../lib/contracts';

/** Rows per INSERT when writing telemetry: large enough to amortise round trips, small enough for one statement. */
export const EVENT_BATCH_SIZE = 500;

const when = (ms: number | undefined): Date | null => (ms === undefined ? null : new Date(ms));
const json = (value: Record<string, unknown> | undefined) =>
  value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonObject);

export async function recordBuild(db: Database, input: RecordBuildInput): Promise<void> {
  const fields = {
    project: input.project,
    specPath: input.specPath,
    specHash: input.specHash,
    repoPath: input.repoPath,
    baseBranch: input.baseBranch,
    buildBranch: input.buildBranch,
    status: input.status,
    budgetUsd: new Prisma.Decimal(input.budgetUsd),
    costUsd: new Prisma.Decimal(input.costUsd),
    parallel: input.parallel,
    taskCount: input.taskCount,
    startedAt: new Date(input.startedAt),
    finishedAt: when(input.finishedAt),
    summary: json(input.summary),
  };
  await db.prisma.build.upsert({
    where: { id: input.buildId },
    create: { id: input.buildId, ...fields },
    update: fields,
  });
}

export async function recordTask(db: Database, input: RecordTaskInput): Promise<void> {
  const fields = {
    title: input.title,
    status: input.status,
    complexity: input.complexity ?? null,
    model: input.model ?? null,
    attempts: input.attempts,
    costUsd: new Prisma.Decimal(input.costUsd),
    dependsOn: input.dependsOn,
    files: input.files,
    error: input.error ?? null,
    startedAt: when(input.startedAt),
    finishedAt: when(input.finishedAt),
    requirementIds: input.requirementIds ?? [],
    features: input.features ?? [],
    mergeCommit: input.mergeCommit ?? null,
    verification: input.verification ?? null,
  };
  await db.prisma.task.upsert({
    where: { id: `${input.buildId}/${input.taskId}` },
    create: {
      id: `${input.buildId}/${input.taskId}`,
      buildId: input.buildId,
      taskKey: input.taskId,
      ...fields,
    },
    update: fields,
  });
}

export async function recordAttempt(db: Database, input: RecordAttemptInput): Promise<void> {
  const fields = {
    model: input.model,
    outcome: input.outcome,
    failureClass: input.failureClass ?? null,
    decision: input.decision ?? null,
    costUsd: new Prisma.Decimal(input.costUsd),
    detail: input.detail ?? null,
    startedAt: new Date(input.startedAt),
    finishedAt: new Date(input.finishedAt),
  };
  const key = { buildId: input.buildId, taskKey: input.taskId, attempt: input.attempt };
  await db.prisma.taskAttempt.upsert({
    where: { buildId_taskKey_attempt: key },
    create: { ...key, ...fields },
    update: fields,
  });
}

/** Inserts events in batches; a dedupeKey already present is skipped, so a retried activity writes each event once. */
export async function emitEvents(db: Database, events: TelemetryEventInput[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += EVENT_BATCH_SIZE) {
    const batch = events.slice(i, i + EVENT_BATCH_SIZE).map((e) => ({
      type: e.type,
      buildId: e.buildId,
      taskKey: e.taskId ?? null,
      model: e.model ?? null,
      occurredAt: new Date(e.at),
      dedupeKey: e.dedupeKey,
      data: json(e.data),
    }));
    inserted += (await db.prisma.telemetryEvent.createMany({ data: batch, skipDuplicates: true })).count;
  }
  return inserted;
}

/**
 * What one attempt's requests cost on record: each request's row, settled by its answer or left at its
 * worst case (unsettled) when the worker died before the answer was written.
 */
export async function attemptCost(db: Database, key: AttemptKey): Promise<AttemptCost> {
  const where = { buildId: key.buildId, taskKey: key.taskId, attempt: key.attempt };
  const [all, unsettled] = await Promise.all([
    db.prisma.costEntry.aggregate({ where, _sum: { usd: true }, _count: { _all: true } }),
    db.prisma.costEntry.count({ where: { ...where, settled: false } }),
  ]);
  return { usd: (all._sum.usd ?? new Prisma.Decimal(0)).toString(), requests: all._count._all, unsettled };
}
