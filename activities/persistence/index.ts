import type { BuildRunnerConfig } from '../../lib/config';
import type { Database } from '../../lib/db/connection';
import type { BuildActivities, MaintenanceActivities } from '../../lib/contracts';
import { summaryGaps } from '../evidence';
import { cachedRepo } from '../git/cache';
import { defaultCacheDir } from '../git/cache-dir';
import { recordedRun } from './maintenance';
import { emitEvents, recordAttempt, recordBuild, recordTask } from './records';
import { cleanupRetention } from './retention';
import { aggregateMetrics } from './rollup';

export type PersistenceActivities = Pick<
  BuildActivities,
  'recordBuild' | 'recordTask' | 'recordAttempt' | 'emitEvents'
>;

/** Idempotent writes of builds, tasks, attempts (upserts) and telemetry (deduplicated by dedupeKey). */
export function createPersistenceActivities(deps: {
  db: Database;
  config?: BuildRunnerConfig;
  /** The worker's cache dir (default: defaultCacheDir()): a remote build's gap report reads the build branch from its cache clone. */
  cacheDir?: string;
}): PersistenceActivities {
  const { db } = deps;
  const gaps = {
    resultsFile: deps.config?.gaps.testResults ?? '.buildrunner/test-results.json',
    testPattern: deps.config?.gaps.testPattern,
  };
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
                gaps: await boundedGaps(db, input.buildId, {
                  ...gaps,
                  ...(await remoteRepoPath(input, deps.cacheDir ?? defaultCacheDir())),
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
  };
}

/** A remote build's branch, fetched into this worker's cache clone, where the gap analysis reads it. */
async function remoteRepoPath(
  input: { repoUrl?: string; buildBranch: string },
  cacheDir: string,
): Promise<{ repoPath?: string }> {
  if (!input.repoUrl) return {};
  try {
    const repo = cachedRepo(input.repoUrl, cacheDir);
    await repo.locked(() => repo.fetchAsLocal(input.buildBranch));
    return { repoPath: repo.gitDir };
  } catch {
    return { repoPath: '/nonexistent/remote-not-reachable' };
  }
}

/**
 * The gap report is extra: recording the build must finish well inside the record profile's one-minute
 * timeout, whatever the size of the repository the analysis reads.
 */
const GAPS_BUDGET_MS = 20_000;

async function boundedGaps(
  db: Database,
  buildId: string,
  settings: Parameters<typeof summaryGaps>[2],
): Promise<Awaited<ReturnType<typeof summaryGaps>>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ headline: string }>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          headline: `Gaps: not analysed (took over ${GAPS_BUDGET_MS / 1000} s; run br gaps analyze --build).`,
        }),
      GAPS_BUDGET_MS,
    );
  });
  try {
    return await Promise.race([summaryGaps(db, buildId, settings), late]);
  } finally {
    clearTimeout(timer);
  }
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
