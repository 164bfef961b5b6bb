import type { BuildCarryOver } from '../workflows/core/types';
import { embeddedDatabaseMissing, withDatabase, type ServiceContext } from './context';

/**
 * The highest try number on record for each task of a build, over all its runs (issue 27): its
 * TaskAttempt rows and the cost rows of its requests (a try cut off before its record has only those).
 * A continued run numbers its tries after these, so TaskAttempt rows (keyed by build, task and try) of an
 * earlier run are never overwritten, and a lost try's cost read back by its number counts only its own
 * rows. Null when the database cannot say (the ended run's counts are used then).
 */
export async function triesOnRecord(
  ctx: ServiceContext,
  buildId: string,
): Promise<Record<string, number> | null> {
  if (embeddedDatabaseMissing(ctx)) return null;
  try {
    return await withDatabase(ctx, async (db) => {
      const rows = await db.query<{ task: string; tries: number | string }>(
        `SELECT "taskKey" AS task, max(attempt) AS tries FROM (
           SELECT "taskKey", attempt FROM "TaskAttempt" WHERE "buildId" = $1
           UNION ALL
           SELECT "taskKey", attempt FROM "CostEntry"
            WHERE "buildId" = $1 AND "taskKey" IS NOT NULL AND attempt IS NOT NULL
         ) AS tries GROUP BY "taskKey"`,
        [buildId],
      );
      return Object.fromEntries(rows.map((r) => [r.task, Number(r.tries)]));
    });
  } catch {
    return null;
  }
}

/**
 * Tries each task has had before the new run: what is on record, or what the ended run counted (its
 * own tries after those it was given) when that is more. Tasks with none are left out; undefined for none.
 */
export function triesToCarry(
  carried: BuildCarryOver,
  onRecord: Record<string, number> | null,
): Record<string, number> | undefined {
  const tries: Record<string, number> = {};
  for (const { id } of carried.plan.tasks) {
    const counted = (carried.triesBefore?.[id] ?? 0) + (carried.finished[id]?.attempts ?? 0);
    const n = Math.max(onRecord?.[id] ?? 0, counted);
    if (n > 0) tries[id] = n;
  }
  return Object.keys(tries).length ? tries : undefined;
}
