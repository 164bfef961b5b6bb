import { createClaudeActivities } from '../activities/claude/index';
import { createDeliveryActivities } from '../activities/delivery/index';
import { defaultCacheDir } from '../activities/git/cache-dir';
import { createGitActivities, withRemoteWorktree } from '../activities/git/index';
import { createNotifyActivities } from '../activities/notify/index';
import { createMaintenanceActivities, createPersistenceActivities } from '../activities/persistence/index';
import type { BuildActivities, MaintenanceActivities } from '../lib/contracts';
import type { BuildRunnerConfig } from '../lib/config';
import type { Database } from '../lib/db/connection';

export interface ActivityDeps {
  db: Database;
  config: BuildRunnerConfig;
  root: string;
  /** Read by the worker itself (activities/api-key.ts); never passed through a workflow. */
  apiKey: string | undefined;
  /** This worker's own folder for cache clones and task worktrees of remote builds (default: defaultCacheDir). */
  cacheDir?: string;
  /** The worker's environment: where sinks read their secrets (with the project's .env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The real activities, from the factories of activities/claude, activities/git and
 * activities/persistence, given their clients. They satisfy the neutral contract the workflows are
 * typed by (lib/contracts). Keep-alive and hand-back wrap every one of them as the worker's activity
 * interceptor (worker/interceptors.ts), not here.
 */
export function createActivities(deps: ActivityDeps) {
  const cacheDir = deps.cacheDir ?? defaultCacheDir(process.env);
  const claude = createClaudeActivities({ ...deps, repoRoot: deps.root, cacheDir });
  return {
    ...claude,
    // A remote build's task runs in this worker's own worktree of its cache clone.
    runAgent: withRemoteWorktree(claude.runAgent, cacheDir),
    ...createGitActivities({ config: deps.config, cacheDir }),
    ...createDeliveryActivities({ cacheDir, root: deps.root, db: deps.db, config: deps.config }),
    ...createPersistenceActivities({ db: deps.db, config: deps.config, cacheDir }),
    ...createMaintenanceActivities({ db: deps.db, config: deps.config, root: deps.root }),
    ...createNotifyActivities({
      db: deps.db,
      config: deps.config,
      root: deps.root,
      env: deps.env ?? process.env,
    }),
  } satisfies BuildActivities & MaintenanceActivities;
}

export type Activities = ReturnType<typeof createActivities>;

/** What the per-model queues serve: the Claude activities only. */
export const CLAUDE_ACTIVITIES = ['planBuild', 'estimateComplexity', 'runAgent', 'resolveConflict'] as const;

/** The activities that heartbeat in the background: the Claude and repository steps (records: BEATING). */
export const KEPT_ALIVE: ReadonlySet<string> = new Set<keyof Activities>([
  ...CLAUDE_ACTIVITIES,
  'ensureBuildBranch',
  'prepareWorktree',
  'commitTask',
  'verifyTask',
  'checkQualityGate',
  'mergeTask',
  'cleanupTask',
  'markFeaturesDelivered',
  'deliverBuild',
]);

/**
 * The record steps heartbeat too, so a dead worker's record is retried within RECORD_HEARTBEAT
 * (workflows/activity-profiles.ts), but their failures and cancels stay as they are.
 */
export const BEATING: ReadonlySet<string> = new Set<keyof Activities>([
  'recordBuild',
  'recordTask',
  'recordAttempt',
  'emitEvents',
  'attemptCost',
]);

export function claudeActivitiesOf(all: Activities): Pick<Activities, (typeof CLAUDE_ACTIVITIES)[number]> {
  const { planBuild, estimateComplexity, runAgent, resolveConflict } = all;
  return { planBuild, estimateComplexity, runAgent, resolveConflict };
}
