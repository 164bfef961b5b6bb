import { createMaintenanceActivities } from '../activities/persistence';
import type { AggregateMetricsResult, RetentionResult } from '../lib/contracts';
import { withDatabase, type ServiceContext } from './context';

/**
 * `br maintenance …`: the scheduled maintenance activities run directly, without Temporal, for
 * operators and tests. Each run is recorded like a scheduled one, under a `cli-` run key.
 */

const runKey = (kind: string) => `cli-${kind}-${new Date().toISOString()}-${process.pid}`;

export function aggregateNow(ctx: ServiceContext): Promise<AggregateMetricsResult> {
  return withDatabase(ctx, (db) =>
    createMaintenanceActivities({ db, config: ctx.config, root: ctx.root }).aggregateMetrics({
      runKey: runKey('aggregate'),
    }),
  );
}

export function retentionNow(
  ctx: ServiceContext,
  options: { dryRun: boolean; days?: number; now?: number },
): Promise<RetentionResult> {
  return withDatabase(ctx, (db) =>
    createMaintenanceActivities({ db, config: ctx.config, root: ctx.root }).cleanupRetention({
      retentionDays: options.days ?? ctx.config.retention.days,
      archiveDir: ctx.config.retention.archiveDir,
      batchSize: 1000,
      dryRun: options.dryRun,
      now: options.now ?? Date.now(),
      runKey: runKey(options.dryRun ? 'retention-dry-run' : 'retention'),
    }),
  );
}
