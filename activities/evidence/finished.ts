import type { BuildRunnerConfig } from '../../lib/config';
import type { Database } from '../../lib/db/connection';
import { cachedRepo } from '../git/cache';
import { summaryGaps, type GapSettings, type SummaryGaps } from './build';

/**
 * The gap report is extra: recording the build must finish well inside the record profile's one-minute
 * timeout, and delivery inside its own, whatever the size of the repository the analysis reads.
 */
const GAPS_BUDGET_MS = 20_000;

/**
 * The gap section of a finished build, as its record (activities/persistence) and its pull request's
 * body (activities/delivery) show it: the build's tasks from the database, its branch from the
 * repository (a remote build's from this worker's cache clone), bounded in time. Never throws.
 */
export async function finishedBuildGaps(
  db: Database,
  build: { buildId: string; buildBranch: string; repoUrl?: string },
  deps: { config?: BuildRunnerConfig; cacheDir: string },
): Promise<SummaryGaps> {
  const settings: GapSettings = {
    resultsFile: deps.config?.gaps.testResults ?? '.buildrunner/test-results.json',
    testPattern: deps.config?.gaps.testPattern,
  };
  return boundedGaps(db, build.buildId, { ...settings, ...(await remoteRepoPath(build, deps.cacheDir)) });
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

async function boundedGaps(
  db: Database,
  buildId: string,
  settings: GapSettings & { repoPath?: string },
): Promise<SummaryGaps> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SummaryGaps>((resolve) => {
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
