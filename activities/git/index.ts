import type { BuildActivities, RemoteTask, RunAgentInput, RunAgentResult } from '../../lib/contracts';
import type { BuildRunnerConfig } from '../../lib/config';
import { sandboxPolicy } from '../../lib/sandbox/policy';
import { checkQualityGate } from '../quality/gate';
import { defaultCacheDir } from './cache-dir';
import { commitTask } from './commit';
import { commitDesign } from './design';
import { markFeaturesDelivered } from './features';
import { mergeTask } from './merge';
import {
  cleanupRemoteTask,
  ensureRemoteBuildBranch,
  handOffWork,
  markRemoteFeatures,
  mergeRemoteTask,
  prepareRemoteWorktree,
  pushTaskCommit,
  remoteTaskWorktree,
} from './remote';
import { verifyTask } from './verify';
import { cleanupTask, ensureBuildBranch, prepareWorktree } from './worktrees';

export type GitActivities = Pick<
  BuildActivities,
  | 'ensureBuildBranch'
  | 'prepareWorktree'
  | 'commitTask'
  | 'verifyTask'
  | 'checkQualityGate'
  | 'mergeTask'
  | 'cleanupTask'
  | 'markFeaturesDelivered'
>;

export interface GitActivityDeps {
  config: BuildRunnerConfig;
  /**
   * This worker's own folder for cache clones and task worktrees of remote builds (input.repoUrl).
   * Never shared with another worker. Default: defaultCacheDir().
   */
  cacheDir?: string;
}

/**
 * The repository side of a build. Every activity is safe to retry: a second call finds the worktree,
 * commit or merge the first one made. Verification falls back to config.agent.verifyCommand when the
 * workflow passes an empty command, and passes when neither is set. A build with a repoUrl runs every
 * step in this worker's cache clone and leaves its result on the remote (remote.ts); without one, the
 * steps work on repoPath, a repository on this machine.
 */
export function createGitActivities(deps: GitActivityDeps): GitActivities {
  const cacheDir = deps.cacheDir ?? defaultCacheDir();
  const policy = () => sandboxPolicy(deps.config);
  // A step of a task of a remote build runs in this worker's own worktree of the task.
  const worktreeOf = async (input: { worktreePath: string; remote?: RemoteTask }) =>
    input.remote ? remoteTaskWorktree(input.remote, cacheDir) : input.worktreePath;
  return {
    ensureBuildBranch: byRepo(
      async (input) => {
        await ensureBuildBranch(input);
        if (input.design && input.buildId)
          await commitDesign({ ...input, buildId: input.buildId, design: input.design });
      },
      (input) => ensureRemoteBuildBranch(input, cacheDir),
    ),
    prepareWorktree: byRepo(prepareWorktree, (input) => prepareRemoteWorktree(input, cacheDir)),
    async commitTask(input) {
      if (!input.remote) return commitTask(input, policy());
      const worktreePath = await remoteTaskWorktree(input.remote, cacheDir);
      const result = await commitTask({ ...input, worktreePath }, policy());
      if (result.commit) await pushTaskCommit(input.remote, result.commit, cacheDir);
      return result;
    },
    async verifyTask(input) {
      const command = input.command.trim() || deps.config.agent.verifyCommand;
      if (!command) return;
      const worktreePath = await worktreeOf(input);
      const timeoutSeconds = input.timeoutSeconds || deps.config.agent.commandTimeoutSeconds;
      await verifyTask({ ...input, worktreePath, command, timeoutSeconds }, policy());
    },
    async checkQualityGate(input) {
      await checkQualityGate({ ...input, worktreePath: await worktreeOf(input) }, policy());
    },
    mergeTask: byRepo(
      (input) => mergeTask(input, policy()),
      (input) => mergeRemoteTask(input, policy(), cacheDir),
    ),
    cleanupTask: byRepo(cleanupTask, (input) => cleanupRemoteTask(input, cacheDir)),
    markFeaturesDelivered: byRepo(
      async (input) => void (await markFeaturesDelivered(input)),
      (input) => markRemoteFeatures(input, cacheDir),
    ),
  };
}

/**
 * The repository an activity works on, chosen once from its input: with a repoUrl, this worker's cache
 * clone of the remote; without one, repoPath, a repository on this machine.
 */
function byRepo<I extends { repoUrl?: string }, R>(
  local: (input: I) => Promise<R>,
  remote: (input: I & { repoUrl: string }) => Promise<R>,
): (input: I) => Promise<R> {
  return (input) => (input.repoUrl ? remote({ ...input, repoUrl: input.repoUrl }) : local(input));
}

/**
 * The coding agent of a remote build runs on whichever worker polls its model's queue: it gets this
 * worker's own worktree of the task, and its uncommitted work is handed off through the remote so the
 * worker that commits it (maybe another) finds it.
 */
export function withRemoteWorktree(
  runAgent: (input: RunAgentInput) => Promise<RunAgentResult>,
  cacheDir: string,
): (input: RunAgentInput) => Promise<RunAgentResult> {
  return async (input) => {
    if (!input.remote) return runAgent(input);
    const worktreePath = await remoteTaskWorktree(input.remote, cacheDir);
    const result = await runAgent({ ...input, worktreePath });
    await handOffWork(input.remote, cacheDir);
    return result;
  };
}

export { sweepOrphans } from './worktrees';
