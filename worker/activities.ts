import { homedir } from 'node:os';
import path from 'node:path';
import { withKeepAlive } from '../activities/claude/activity-context';
import type { BuildActivities, MaintenanceActivities } from '../lib/contracts';
import type { BuildRunnerConfig } from '../lib/config';
import type { Database } from '../lib/db/connection';

/**
 * The real activities, composed from the factories of activities/claude, activities/git and
 * activities/persistence. Each module is imported lazily so a missing one fails at worker start with
 * its name, not with a stack from deep inside a workflow run.
 */

export type AllActivities = BuildActivities & MaintenanceActivities;
export type ClaudeOnly = Pick<BuildActivities, 'planBuild' | 'estimateComplexity' | 'runAgent'>;

export interface ActivityDeps {
  db: Database;
  config: BuildRunnerConfig;
  root: string;
  /** Read by the worker itself (lib/apikey.ts); never passed through a workflow. */
  apiKey: string | undefined;
  /** This worker's own folder for cache clones and task worktrees of remote builds. */
  cacheDir?: string;
}

async function load<T>(
  specifier: string,
  factory: string,
  importer: () => Promise<Record<string, unknown>>,
): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = await importer();
  } catch (err) {
    throw new Error(
      `The worker cannot load ${specifier} (${(err as Error).message.split('\n')[0]}). Is this BuildRunner install complete?`,
    );
  }
  if (typeof mod[factory] !== 'function')
    throw new Error(`${specifier} does not export ${factory}(); the worker needs it.`);
  return mod[factory] as T;
}

export async function createClaude(deps: ActivityDeps): Promise<ClaudeOnly> {
  const create = await load<(d: ActivityDeps & { repoRoot: string }) => ClaudeOnly>(
    'activities/claude/index.ts',
    'createClaudeActivities',
    () => import('../activities/claude/index'),
  );
  const claude = create({ ...deps, repoRoot: deps.root });
  const { withRemoteWorktree } = await import('../activities/git/index');
  const cacheDir = deps.cacheDir ?? defaultCacheDir(process.env);
  return keepAlive({ ...claude, runAgent: withRemoteWorktree(claude.runAgent, cacheDir) });
}

/** $BR_CACHE_DIR, else $XDG_CACHE_HOME/buildrunner, else ~/.cache/buildrunner. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.BR_CACHE_DIR) return path.resolve(env.BR_CACHE_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'buildrunner');
}

/**
 * Every activity heartbeats in the background, so a dead worker's agent run, commit or merge is retried
 * within the heartbeat timeout (workflows/activity-profiles.ts) instead of its start-to-close timeout.
 */
function keepAlive<T extends object>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      (...args: unknown[]) => withKeepAlive(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as T;
}

export async function createAllActivities(deps: ActivityDeps): Promise<AllActivities> {
  const [createGit, createPersistence, createMaintenance] = await Promise.all([
    load<
      (d: {
        config: BuildRunnerConfig;
        cacheDir: string;
      }) => Omit<
        BuildActivities,
        keyof ClaudeOnly | 'recordBuild' | 'recordTask' | 'recordAttempt' | 'emitEvents'
      >
    >('activities/git/index.ts', 'createGitActivities', () => import('../activities/git/index')),
    load<
      (d: {
        db: Database;
        config: BuildRunnerConfig;
        cacheDir: string;
      }) => Pick<BuildActivities, 'recordBuild' | 'recordTask' | 'recordAttempt' | 'emitEvents'>
    >(
      'activities/persistence/index.ts',
      'createPersistenceActivities',
      () => import('../activities/persistence/index'),
    ),
    load<(d: { db: Database; config: BuildRunnerConfig; root: string }) => MaintenanceActivities>(
      'activities/persistence/index.ts',
      'createMaintenanceActivities',
      () => import('../activities/persistence/index'),
    ),
  ]);
  return {
    ...(await createClaude(deps)),
    ...keepAlive(createGit({ config: deps.config, cacheDir: deps.cacheDir ?? defaultCacheDir(process.env) })),
    ...createPersistence({
      db: deps.db,
      config: deps.config,
      cacheDir: deps.cacheDir ?? defaultCacheDir(process.env),
    }),
    ...createMaintenance({ db: deps.db, config: deps.config, root: deps.root }),
  };
}
