import Decimal from 'decimal.js';
import type { BudgetProgress } from '../workflows/core/progress';
import { embeddedDatabaseMissing, withDatabase, type ServiceContext } from './context';

/**
 * What a build's requests cost on record, over all its runs: each request's row, settled by its answer
 * or left at its worst case (unsettled) when it was lost in flight (issue 27). A run that ended by a
 * cancel reports $0 for the tries it cancelled, though their requests were sent and are on record;
 * `br build continue` carries the larger of the two, so the new run's budget counts them. Null when
 * the database cannot say (the run's own total is carried then).
 */
export async function spentOnRecord(ctx: ServiceContext, buildId: string): Promise<string | null> {
  if (embeddedDatabaseMissing(ctx)) return null;
  try {
    return await withDatabase(ctx, async (db) => {
      const [row] = await db.query<{ usd: string }>(
        `SELECT coalesce(sum(usd), 0)::text AS usd FROM "CostEntry" WHERE "buildId" = $1`,
        [buildId],
      );
      return new Decimal(row?.usd ?? '0').toString();
    });
  } catch {
    return null;
  }
}

/** The spent total a continued run starts from: the ended run's, or what is on record when that is more. */
export function spentToCarry(runSpent: string, onRecord: string | null): string {
  return onRecord !== null && new Decimal(onRecord).gt(runSpent) ? onRecord : runSpent;
}

/**
 * The budget `br build status` shows for an ended build: its spent total is what is on record when that
 * is more (settled rows and unsettled estimates, `CostTotals`), as `br build continue` carries it. A run
 * that ended by a cancel reports $0 for the tries it cancelled, though their requests were sent.
 */
export function budgetOnRecord(
  budget: BudgetProgress,
  spend: { costUsd: string; unsettledUsd: string } | null,
): BudgetProgress {
  const onRecord = spend ? Decimal.sum(spend.costUsd, spend.unsettledUsd).toString() : null;
  const spentUsd = spentToCarry(budget.spentUsd, onRecord);
  if (spentUsd === budget.spentUsd) return budget;
  const limit = new Decimal(budget.limitUsd);
  const left = Decimal.max(0, limit.minus(spentUsd).minus(budget.reservedUsd));
  const fractionUsed = limit.isZero() ? 1 : new Decimal(spentUsd).div(limit).toNumber();
  return { ...budget, spentUsd, leftUsd: left.toString(), fractionUsed };
}
