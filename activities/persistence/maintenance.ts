import type { Prisma } from '@prisma/client';
import type { Database } from '../../lib/db/connection';

/**
 * MaintenanceRun bookkeeping keyed by the Temporal run id: a retried activity whose run already
 * succeeded returns the recorded result instead of doing the work twice.
 */
export async function recordedRun<T extends object>(
  db: Database,
  kind: string,
  runKey: string,
  dryRun: boolean,
  work: () => Promise<T>,
): Promise<T> {
  const existing = await db.prisma.maintenanceRun.findUnique({ where: { runKey } });
  if (existing?.status === 'SUCCEEDED' && existing.stats) return existing.stats as unknown as T;
  await db.prisma.maintenanceRun.upsert({
    where: { runKey },
    create: { kind, runKey, status: 'RUNNING', dryRun },
    update: { status: 'RUNNING', startedAt: new Date(), finishedAt: null },
  });
  try {
    const result = await work();
    await db.prisma.maintenanceRun.update({
      where: { runKey },
      data: { status: 'SUCCEEDED', stats: result as Prisma.InputJsonObject, finishedAt: new Date() },
    });
    return result;
  } catch (err) {
    await db.prisma.maintenanceRun.update({
      where: { runKey },
      data: { status: 'FAILED', stats: { error: (err as Error).message }, finishedAt: new Date() },
    });
    throw err;
  }
}
