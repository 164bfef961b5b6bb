/** Git activities (worktrees, commits, verification, merges): arguments and results. */
import type { DesignRequest } from '../design/request';

export interface EnsureBuildBranchInput {
  repoPath: string;
  baseBranch: string;
  buildBranch: string;
  /** With `design`: the build's id (names the build branch's worktree) and the design files to commit. */
  buildId?: string;
  design?: DesignRequest;
}

export interface PrepareWorktreeInput {
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
}

export interface CommitTaskResult {
  /** null when the agent changed nothing. */
  commit: string | null;
}

export interface VerifyTaskInput {
  worktreePath: string;
  command: string;
  timeoutSeconds: number;
}

export interface MergeTaskInput {
  repoPath: string;
  buildBranch: string;
  branch: string;
  buildId: string;
  taskId: string;
}

export interface MergeTaskResult {
  mergeCommit: string;
}

export interface CleanupTaskInput {
  repoPath: string;
  worktreePath: string;
  branch: string;
}
