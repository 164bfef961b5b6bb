import type { BuildRunnerConfig } from '../../lib/config';
import type { Database } from '../../lib/db/connection';
import type { BuildActivities, MaintenanceActivities } from '../../lib/contracts';
import { recordedRun } from './maintenance';
import { emitEvents, recordAttempt, recordBuild, recordTask } from './records';
import { cleanupRetention } from './retention';
import { aggregateMetrics } from './rollup';

export type PersistenceActivities = Pick<
  BuildActivities,
  'recordBuild' | 'recordTask' | 'recordAttempt' | 'emitEvents'
>;

/** Idempotent writes of builds, tasks, attempts (upserts) and telemetry (deduplicated by dedupeKey). */
export function createPersistenceActivities(deps: { db: Database }): PersistenceActivities {
  const { db } = deps;
  return {
    recordBuild: (input) => recordBuild(db, input),
    recordTask: (input) => recordTask(db, input),
    recordAttempt: (input) => recordAttempt(db, input),
    emitEvents: async (events) => {
      await emitEvents(db, events);
    },
  };
}

/**
 * Scheduled maintenance. `root` is the repository root: a relative archive folder resolves against it.
 * The config is the worker's: it fills in what a caller leaves out.
 */
export function createMaintenanceActivities(deps: {
  db: Database;
  config: BuildRunnerConfig;
  root: string;
}): MaintenanceActivities {
  const { db, config, root } = deps;
  return {
    aggregateMetrics: ({ runKey }) =>
      recordedRun(db, 'metrics-aggregation', runKey, false, () => aggregateMetrics(db)),
    cleanupRetention: (input) =>
      recordedRun(db, 'retention-cleanup', input.runKey, input.dryRun, () =>
        cleanupRetention(db, {
          ...input,
          retentionDays: input.retentionDays || config.retention.days,
          archiveDir: input.archiveDir || config.retention.archiveDir,
          root,
        }),
      ),
  };
}

export { aggregateMetrics } from './rollup';
export { cleanupRetention, readArchive, type ArchivedEvent } from './retention';
