/**
 * What `br build status` adds from the database: the build's recorded spend, the gap report a finished
 * build recorded, what its notifications did. One connection and plain SQL (no Prisma client to load);
 * each part is an extra: null when the database cannot say, and status still shows the rest.
 */
import type { SummaryGaps } from '../activities/evidence';
import { embeddedDatabaseMissing, withDatabase, type ServiceContext } from './context';
import { notificationReport, notificationRows, type NotificationReport } from './notify-report';
import { costReport, type CostTotals } from './reports';

export interface StatusRecords {
  gaps: SummaryGaps | null;
  spend: CostTotals | null;
  notifications: NotificationReport | null;
}

const NONE: StatusRecords = { gaps: null, spend: null, notifications: null };

async function recordedGaps(db: Parameters<Parameters<typeof withDatabase>[1]>[0], id: string) {
  const rows = await db.query<{ gaps: SummaryGaps | null }>(
    `SELECT summary->'gaps' AS gaps FROM "Build" WHERE id = $1`,
    [id],
  );
  return rows[0]?.gaps ?? null;
}

export async function statusRecords(
  ctx: ServiceContext,
  id: string,
  options: { finished: boolean },
): Promise<StatusRecords> {
  if (embeddedDatabaseMissing(ctx)) return NONE;
  const extra = <T>(p: Promise<T>) => p.catch(() => null);
  try {
    return await withDatabase(ctx, async (db) => {
      const [gaps, spend, rows] = await Promise.all([
        options.finished ? extra(recordedGaps(db, id)) : null,
        extra(costReport(db, { by: 'build', buildId: id }).then((r) => r.total)),
        extra(notificationRows(db, id)),
      ]);
      return { gaps, spend, notifications: rows ? notificationReport(rows) : null };
    });
  } catch {
    return NONE;
  }
}
