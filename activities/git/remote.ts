import type {
  CleanupTaskInput,
  EnsureBuildBranchInput,
  MarkFeaturesInput,
  MergeTaskInput,
  MergeTaskResult,
  PreparedWorktree,
  PrepareWorktreeInput,
  RemoteTask,
} from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { failure } from '../failure';
import { cachedRepo, type CachedRepo } from './cache';
import { commitDesignIn } from './design';
import { markFeaturesIn } from './features';
import { mergeInto } from './merge';
import { authorEnv, git, runGit, stageAll } from './run';
import { BRANCH_PREFIX, isTaskBranch, taskBranch } from './worktrees';

/**
 * The git activities of a build whose repository travels by git (input.repoUrl). Every step works in
 * the running worker's own cache clone and leaves its result on the remote, so any worker can run the
 * next step: the task branch is pushed when prepared and when committed, the agent's uncommitted work
 * is handed off through refs/br-handoff/<task branch>, and the build branch only ever moves by
 * compare-and-swap (push with a lease on the sha this worker merged onto).
 */

/** Lost races on the build branch before the activity gives up (and Temporal retries it). */
const CAS_ROUNDS = 25;

export function handoffRef(branch: string): string {
  return `refs/br-handoff/${branch}`;
}

function baseMissing(input: { baseBranch: string; repoUrl?: string }): never {
  throw failure(
    FailureClass.BASE_BRANCH_MISSING,
    `Base branch "${input.baseBranch}" does not exist on the remote ${input.repoUrl}. Push it (git push origin ${input.baseBranch}) and start the build again.`,
  );
}

/**
 * Runs `change` on a fresh checkout of the remote build branch's tip and pushes what it committed,
 * only if the build branch still is where it was fetched. A lost race fetches the new tip and runs
 * `change` again on it; a failure thrown by `change` (MERGE_CONFLICT, HOOK_REJECTED) leaves the remote
 * build branch untouched.
 */
export async function updateBuildBranch<T>(
  repo: CachedRepo,
  buildId: string,
  buildBranch: string,
  change: (dir: string, tip: string, round: number) => Promise<T>,
  /** The result when every round was lost; without it, the activity fails and Temporal retries it. */
  exhausted?: () => T,
  rounds = CAS_ROUNDS,
): Promise<T> {
  const dir = repo.mergeWorktreePath(buildId);
  for (let round = 1; ; round++) {
    const outcome = await repo.locked(async () => {
      await repo.fetch([buildBranch]);
      const tip = await repo.remoteTip(buildBranch);
      if (!tip)
        throw failure(
          FailureClass.BASE_BRANCH_MISSING,
          `The build branch "${buildBranch}" is gone from the remote ${repo.url}.`,
        );
      await repo.worktreeAt(dir, tip);
      const result = await change(dir, tip, round);
      const head = await git(dir, ['rev-parse', 'HEAD']);
      if (head === tip) return { done: true as const, result };
      const landed = await repo.pushLease(head, `refs/heads/${buildBranch}`, tip);
      return landed ? { done: true as const, result } : { done: false as const };
    });
    if (outcome.done) return outcome.result;
    if (round >= rounds) {
      if (exhausted) return exhausted();
      throw new Error(
        `The build branch "${buildBranch}" moved under ${rounds} merges in a row; retrying the activity.`,
      );
    }
    // Another worker landed first: wait a little (spread out) and merge again onto its result.
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 150 * round)));
  }
}

export async function ensureRemoteBuildBranch(
  input: EnsureBuildBranchInput & { repoUrl: string },
  cacheDir: string,
): Promise<void> {
  const repo = cachedRepo(input.repoUrl, cacheDir);
  await repo.locked(async () => {
    await git(repo.gitDir, ['check-ref-format', '--branch', input.buildBranch]);
    await repo.fetch([input.baseBranch, input.buildBranch]);
    if (await repo.remoteTip(input.buildBranch)) return;
    const base = await repo.remoteTip(input.baseBranch);
    if (!base) baseMissing(input);
    // Lease on "absent": two starts racing create it once; the loser finds it on its next fetch.
    await repo.pushLease(base, `refs/heads/${input.buildBranch}`, null);
  });
  if (input.design && input.buildId) {
    const { design, buildId } = input;
    await updateBuildBranch(repo, buildId, input.buildBranch, (dir) =>
      commitDesignIn(dir, { buildId, design }),
    );
  }
}

/**
 * Creates the task branch on the remote at the build branch's fetched tip (or finds the one a retried
 * activity already pushed) and a worktree of it on this worker.
 */
export async function prepareRemoteWorktree(
  input: PrepareWorktreeInput & { repoUrl: string },
  cacheDir: string,
): Promise<PreparedWorktree> {
  const repo = cachedRepo(input.repoUrl, cacheDir);
  repo.taskWorktreePath(input.buildId, input.taskId); // checks both ids before anything is pushed
  const branch = taskBranch(input.buildId, input.taskId, input.attempt);
  const baseCommit = await repo.locked(async () => {
    await repo.fetch([input.buildBranch, branch]);
    const build = await repo.remoteTip(input.buildBranch);
    if (!build)
      throw failure(
        FailureClass.BASE_BRANCH_MISSING,
        `The build branch "${input.buildBranch}" does not exist on the remote ${input.repoUrl}.`,
      );
    const existing = await repo.remoteTip(branch);
    if (existing) return git(repo.gitDir, ['merge-base', existing, build]);
    if (!(await repo.pushLease(build, `refs/heads/${branch}`, null))) {
      await repo.fetch([branch]);
      return git(repo.gitDir, ['merge-base', (await repo.remoteTip(branch))!, build]);
    }
    return build;
  });
  const worktreePath = await remoteTaskWorktree(
    { url: input.repoUrl, branch, buildId: input.buildId, taskId: input.taskId },
    cacheDir,
  );
  return { worktreePath, branch, baseCommit };
}

/**
 * This worker's worktree of a task, as the remote has it: at the task branch's tip, with the agent's
 * handed-off work on top when it was made on that tip (uncommitted, as the agent left it).
 */
export async function remoteTaskWorktree(task: RemoteTask, cacheDir: string): Promise<string> {
  const repo = cachedRepo(task.url, cacheDir);
  return repo.locked(async () => {
    const handoff = handoffRef(task.branch);
    await repo.fetch([task.branch], [handoff]);
    const tip = await repo.remoteTip(task.branch);
    if (!tip)
      throw failure(
        FailureClass.TASK_BRANCH_MISSING,
        `Task branch "${task.branch}" does not exist on the remote ${task.url}.`,
      );
    const dir = await repo.worktreeAt(repo.taskWorktreePath(task.buildId, task.taskId), tip);
    const work = await repo.resolve(handoff);
    if (work && (await git(repo.gitDir, ['rev-parse', `${work}^`])) === tip) {
      await git(dir, ['read-tree', '-u', '--reset', work]);
      await git(dir, ['reset', '--quiet']);
    }
    return dir;
  });
}

/** Leaves the agent's uncommitted work on the remote, for whichever worker commits it. */
export async function handOffWork(task: RemoteTask, cacheDir: string): Promise<void> {
  const repo = cachedRepo(task.url, cacheDir);
  const dir = repo.taskWorktreePath(task.buildId, task.taskId);
  await stageAll(dir);
  const tree = await git(dir, ['write-tree']);
  await git(dir, ['reset', '--quiet']);
  if (tree === (await git(dir, ['rev-parse', 'HEAD^{tree}']))) return;
  const work = await git(
    dir,
    ['commit-tree', tree, '-p', 'HEAD', '-m', `Work in progress of ${task.branch}`],
    {
      env: authorEnv,
    },
  );
  // Only this task attempt writes its handoff ref, so the newest work simply replaces an older one.
  await repo.locked(() => repo.pushForce(work, handoffRef(task.branch)));
}

async function remoteRef(repo: CachedRepo, ref: string): Promise<string | null> {
  const line = await git(repo.gitDir, ['ls-remote', 'origin', ref], { network: true });
  return line ? line.split('\t')[0]! : null;
}

/** Pushes the task's commit to its remote branch and drops the handed-off work it now contains. */
export async function pushTaskCommit(task: RemoteTask, commit: string, cacheDir: string): Promise<void> {
  const repo = cachedRepo(task.url, cacheDir);
  await repo.locked(async () => {
    const tip = await remoteRef(repo, `refs/heads/${task.branch}`);
    if (tip !== commit && !(await repo.pushLease(commit, `refs/heads/${task.branch}`, tip)))
      throw new Error(`The task branch ${task.branch} moved while its commit was pushed; retrying.`);
    await repo.deleteRemote([handoffRef(task.branch)]);
  });
}

/** The build remote's cache clone, and the task branch's tip there as fetched now (TASK_BRANCH_MISSING if none). */
export async function fetchTaskTip(input: { repoUrl: string; branch: string }, cacheDir: string) {
  const repo = cachedRepo(input.repoUrl, cacheDir);
  const task = await repo.locked(async () => {
    await repo.fetch([input.branch]);
    return repo.remoteTip(input.branch);
  });
  if (!task)
    throw failure(
      FailureClass.TASK_BRANCH_MISSING,
      `Task branch "${input.branch}" does not exist on the remote ${input.repoUrl}.`,
    );
  return { repo, task };
}

/** Merges the task branch into the remote build branch by compare-and-swap; idempotent. */
export async function mergeRemoteTask(
  input: MergeTaskInput & { repoUrl: string },
  policy: SandboxPolicy,
  cacheDir: string,
): Promise<MergeTaskResult> {
  const { repo, task } = await fetchTaskTip(input, cacheDir);
  return updateBuildBranch(
    repo,
    input.buildId,
    input.buildBranch,
    async (dir, tip, round) => {
      const lostRaces = round > 1 ? { lostRaces: round - 1 } : {};
      const merged = await runGit(dir, ['merge-base', '--is-ancestor', task, tip], { allowFailure: true });
      if (merged.code === 0) return { mergeCommit: tip, ...lostRaces };
      return { mergeCommit: await mergeInto(dir, task, input, policy), ...lostRaces };
    },
    // Every round lost: the workflow merges again, the task keeps its attempt.
    (): MergeTaskResult => ({ mergeCommit: '', lostRaces: CAS_ROUNDS, raceLost: true }),
  );
}

/** Removes this worker's worktree of the task and the task's branch and handed-off work on the remote. */
export async function cleanupRemoteTask(
  input: CleanupTaskInput & { repoUrl: string },
  cacheDir: string,
): Promise<void> {
  if (!isTaskBranch(input.branch))
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Refusing to delete branch "${input.branch}": cleanup deletes task branches (br/tasks/<build>/<task>-a<n>) only.`,
    );
  const [buildId, attempt] = input.branch.slice(BRANCH_PREFIX.length).split('/') as [string, string];
  const taskId = attempt.replace(/-a\d+$/, '');
  const repo = cachedRepo(input.repoUrl, cacheDir);
  await repo.locked(async () => {
    await repo.removeWorktree(repo.taskWorktreePath(buildId, taskId));
    await repo.deleteRemote([`refs/heads/${input.branch}`, handoffRef(input.branch)]);
    await runGit(repo.gitDir, ['update-ref', '-d', `refs/remotes/origin/${input.branch}`], {
      allowFailure: true,
    });
  });
}

export async function markRemoteFeatures(
  input: MarkFeaturesInput & { repoUrl: string },
  cacheDir: string,
): Promise<void> {
  if (!input.featureIds.length) return;
  await updateBuildBranch(cachedRepo(input.repoUrl, cacheDir), input.buildId, input.buildBranch, (dir) =>
    markFeaturesIn(dir, input),
  );
}
