import type { Database } from '../lib/db/connection';
import { withDatabase, type ServiceContext } from './context';

/**
 * How well the complexity estimate predicted what tasks really needed: per estimated level, how many
 * tasks succeeded, how many attempts and escalations they took, and what they spent. Joins each
 * task's COMPLEXITY_ESTIMATED event with its outcome events, TaskAttempt rows and cost rows — the data
 * routing defaults can be calibrated against. Covers the events still inside the retention window.
 */

export interface CalibrationRow {
  level: string;
  recommendedTier: string | null;
  tasks: number;
  succeeded: number;
  failed: number;
  /** Tasks with no outcome yet (running, blocked or cancelled). */
  open: number;
  successRate: number | null;
  attempts: number;
  avgAttempts: number | null;
  escalations: number;
  inputTokens: string;
  outputTokens: string;
  costUsd: string;
}

export interface CalibrationReport {
  since: string | null;
  buildId: string | null;
  levels: CalibrationRow[];
}

interface Raw {
  level: string;
  tier: string | null;
  tasks: number;
  succeeded: number;
  failed: number;
  attempts: number;
  escalations: number;
  input: string | null;
  output: string | null;
  usd: string | null;
}

const SQL = `
WITH est AS (
  SELECT DISTINCT ON (e."buildId", e."taskKey") e."buildId", e."taskKey",
         e.data->>'level' AS level, e.data->>'recommendedTier' AS tier
  FROM "TelemetryEvent" e
  WHERE e.type = 'COMPLEXITY_ESTIMATED' AND e."taskKey" IS NOT NULL
    AND ($1::timestamptz IS NULL OR e."occurredAt" >= $1) AND ($2::text IS NULL OR e."buildId" = $2)
  ORDER BY e."buildId", e."taskKey", e."occurredAt" DESC
), outcome AS (
  SELECT e."buildId", e."taskKey",
         bool_or(e.type = 'TASK_COMPLETED') AS ok,
         bool_or(e.type = 'TASK_FAILED') AS failed,
         count(*) FILTER (WHERE e.type = 'FALLBACK_APPLIED' AND coalesce(e.data->>'decision', '') LIKE 'escalate%') AS escalations
  FROM "TelemetryEvent" e JOIN est USING ("buildId", "taskKey")
  WHERE e.type IN ('TASK_COMPLETED', 'TASK_FAILED', 'FALLBACK_APPLIED')
  GROUP BY 1, 2
), att AS (
  SELECT a."buildId", a."taskKey", count(*) AS attempts
  FROM "TaskAttempt" a JOIN est USING ("buildId", "taskKey") GROUP BY 1, 2
), cost AS (
  SELECT c."buildId", c."taskKey",
         sum(c."inputTokens" + c."cacheWriteTokens" + c."cacheReadTokens") AS input,
         sum(c."outputTokens") AS output, sum(c.usd) AS usd
  FROM "CostEntry" c JOIN est USING ("buildId", "taskKey") GROUP BY 1, 2
)
SELECT est.level, min(est.tier) AS tier,
       count(*)::int AS tasks,
       (count(*) FILTER (WHERE outcome.ok))::int AS succeeded,
       (count(*) FILTER (WHERE outcome.failed AND NOT outcome.ok))::int AS failed,
       coalesce(sum(att.attempts), 0)::int AS attempts,
       coalesce(sum(outcome.escalations), 0)::int AS escalations,
       sum(cost.input)::text AS input, sum(cost.output)::text AS output, sum(cost.usd)::text AS usd
FROM est
LEFT JOIN outcome USING ("buildId", "taskKey")
LEFT JOIN att USING ("buildId", "taskKey")
LEFT JOIN cost USING ("buildId", "taskKey")
GROUP BY est.level
ORDER BY array_position(ARRAY['simple', 'moderate', 'complex', 'critical'], est.level), est.level`;

export async function calibrationReport(
  db: Database,
  filter: { since?: Date | null; buildId?: string | null } = {},
): Promise<CalibrationReport> {
  const rows = await db.query<Raw>(SQL, [filter.since?.toISOString() ?? null, filter.buildId ?? null]);
  return {
    since: filter.since?.toISOString() ?? null,
    buildId: filter.buildId ?? null,
    levels: rows.map((r) => {
      const finished = r.succeeded + r.failed;
      return {
        level: r.level,
        recommendedTier: r.tier,
        tasks: r.tasks,
        succeeded: r.succeeded,
        failed: r.failed,
        open: r.tasks - finished,
        successRate: finished ? r.succeeded / finished : null,
        attempts: r.attempts,
        avgAttempts: r.tasks ? r.attempts / r.tasks : null,
        escalations: r.escalations,
        inputTokens: r.input ?? '0',
        outputTokens: r.output ?? '0',
        costUsd: r.usd ?? '0',
      };
    }),
  };
}

export const calibration = (ctx: ServiceContext, filter: Parameters<typeof calibrationReport>[1]) =>
  withDatabase(ctx, (db) => calibrationReport(db, filter));
