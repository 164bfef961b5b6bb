import type { BuildRunnerConfig } from '../../lib/config';
import type { Database } from '../../lib/db/connection';
import { isDatabaseUnreachable } from '../../lib/db/unreachable';
import type { BuildActivities, MaintenanceActivities } from '../../lib/contracts';
import { costSpoolDir } from '../claude/attempt/spool';
import { drainSpool } from '../claude/attempt/spool-drain';
import { finishedBuildGaps } from '../evidence/finished';
import { defaultCacheDir } from '../git/cache-dir';
import { recordedRun } from './maintenance';
import { attemptCost, emitEvents, recordAttempt, recordBuild, recordTask } from './records';
import { cleanupRetention } from './retention';
import { aggregateMetrics } from './rollup';

export type PersistenceActivities = Pick<
  BuildActivities,
  'recordBuild' | 'recordTask' | 'recordAttempt' | 'emitEvents' | 'attemptCost'
>;

/** Idempotent writes of builds, tasks, attempts (upserts) and telemetry (deduplicated by dedupeKey). */
export function createPersistenceActivities(deps: {
  db: Database;
  config?: BuildRunnerConfig;
  /** The worker's cache dir (default: defaultCacheDir()): a remote build's gap report reads the build branch from its cache clone. */
  cacheDir?: string;
}): PersistenceActivities {
  const { db } = deps;
  const cacheDir = deps.cacheDir ?? defaultCacheDir();
  return {
    // A finished build's summary carries its gap report, read here so the workflow's commands stay as they were.
    recordBuild: async (input) =>
      recordBuild(
        db,
        input.finishedAt !== undefined && input.summary
          ? {
              ...input,
              summary: {
                ...input.summary,
                gaps: await finishedBuildGaps(db, input, {
                  ...(deps.config ? { config: deps.config } : {}),
                  cacheDir,
                }),
              },
            }
          : input,
      ),
    recordTask: (input) => recordTask(db, input),
    recordAttempt: (input) => recordAttempt(db, input),
    emitEvents: async (events) => {
      await emitEvents(db, events);
    },
    // A lost try's rows are read back to charge it. A worker killed while the database was away left the
    // rows of the requests it sent in its spool on this machine's disk (claude/attempt/spool.ts), not in
    // the database: they are written first, so the try is charged for all of them. If the database is
    // still away this throws and the record step's retries are the waiting, as for any record step: a
    // charge read without those rows would be too low.
    attemptCost: async (key) => {
      await drainSpool(costSpoolDir(cacheDir), db).catch((err: unknown) => {
        // Only the database's absence waits; a spool folder this worker cannot read must not block the read.
        if (isDatabaseUnreachable(err)) throw err;
      });
      return attemptCost(db, key);
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
