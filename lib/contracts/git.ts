/** Git activities (worktrees, commits, verification, merges): arguments and results. */
import type { DesignRequest } from '../design/request';

/**
 * A build whose repository travels by git names it by this URL (ssh, https or file://). Each worker
 * works in its own cache clone of it; without it, activities work on `repoPath` (one machine).
 * Credentials come from the worker's environment or git config, never from here.
 */
export interface RemoteRepo {
  repoUrl?: string;
}

/**
 * Where a task's worktree comes from on whichever worker runs the step: the task branch on the remote
 * (and the agent's uncommitted work, handed off through the remote). Set only for a remote build.
 */
export interface RemoteTask {
  url: string;
  branch: string;
  buildId: string;
  taskId: string;
}

export interface EnsureBuildBranchInput extends RemoteRepo {
  repoPath: string;
  baseBranch: string;
  buildBranch: string;
  /** With `design`: the build's id (names the build branch's worktree) and the design files to commit. */
  buildId?: string;
  design?: DesignRequest;
}

export interface PrepareWorktreeInput extends RemoteRepo {
  buildId: string;
  taskId: string;
  attempt: number;
  repoPath: string;
  /** The task branch is created from this branch's current tip, so it sees merged dependencies. */
  buildBranch: string;
}

export interface PreparedWorktree {
  worktreePath: string;
  branch: string;
  baseCommit: string;
}

export interface CommitTaskInput {
  worktreePath: string;
  buildId: string;
  taskId: string;
  model: string;
  message: string;
  remote?: RemoteTask;
}

export interface CommitTaskResult {
  /** null when the agent changed nothing. */
  commit: string | null;
}

export interface VerifyTaskInput {
  worktreePath: string;
  command: string;
  timeoutSeconds: number;
  remote?: RemoteTask;
}

export interface MergeTaskInput extends RemoteRepo {
  repoPath: string;
  buildBranch: string;
  branch: string;
  buildId: string;
  taskId: string;
}

export interface MergeTaskResult {
  mergeCommit: string;
  /** Remote builds: how often another worker moved the build branch first and the merge was redone. */
  lostRaces?: number;
}

export interface CleanupTaskInput extends RemoteRepo {
  repoPath: string;
  worktreePath: string;
  branch: string;
}

export interface MarkFeaturesInput extends RemoteRepo {
  repoPath: string;
  buildBranch: string;
  featureIds: string[];
  buildId: string;
}
