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
  /**
   * Nothing merged: other merges kept moving the build branch (or held its lock) until this activity
   * gave up. Not the task's fault: the workflow merges again without using up an attempt.
   */
  raceLost?: boolean;
}

/**
 * Resolve a task's merge conflict instead of redoing the task: in the build branch's merge worktree,
 * Claude gets both sides of each conflicted file and both tasks' intents; its answer must pass the
 * pre-merge-commit hook and the verification command (in the sandbox) before it is committed.
 */
export interface ResolveConflictInput extends MergeTaskInput {
  /** The model, chosen as for a repair attempt (fallback.ts decideResolution). */
  model: string;
  attempt: number;
  /** What the task was asked to do (title and description). */
  intent: string;
  /** Empty or absent: the worker's agent.verifyCommand, if any. */
  verifyCommand?: string;
  verifyTimeoutSeconds?: number;
}

export interface ResolveConflictResult {
  /** The merge commit carrying the resolution; null when the conflict could not be resolved. */
  mergeCommit: string | null;
  /** What the Claude call cost (recorded as cost rows like every call). */
  costUsd: string;
  /** The files that conflicted. */
  files: string[];
  /** Why it was not resolved (the model gave up, the hook or the verification failed). */
  reason?: string;
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
