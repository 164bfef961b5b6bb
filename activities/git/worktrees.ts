/* eslint-disable no-restricted-imports -- only .git/info/exclude is read and appended, which the sandbox cannot write */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
/* eslint-enable no-restricted-imports */
import path from 'node:path';
import type {
  EnsureBuildBranchInput,
  PrepareWorktreeInput,
  PreparedWorktree,
  CleanupTaskInput,
} from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { TASK_BRANCH_PREFIX, taskBranchName } from '../../lib/ids';
import { failure } from '../failure';
import { withRepoLock } from './lock';
import { commonGitDir, git, refExists, runGit } from './run';

export const WORKTREES_DIR = path.join('.buildrunner', 'worktrees');
/**
 * Task branches live under br/tasks/: the build branch is br/<buildId>, and git cannot hold both a ref
 * br/<buildId> and refs below it (br/<buildId>/<task> would fail with "cannot lock ref").
 */
export const BRANCH_PREFIX = TASK_BRANCH_PREFIX;
const EXCLUDE_LINE = '/.buildrunner/worktrees/';

export const taskBranch = taskBranchName;

export function taskWorktreePath(repoPath: string, buildId: string, taskId: string): string {
  return path.join(repoPath, WORKTREES_DIR, safeSegment(buildId, 'build id'), safeSegment(taskId, 'task id'));
}

export function safeSegment(value: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) || value.includes('..'))
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Invalid ${what} "${value}": use letters, digits, ".", "_" and "-" only.`,
    );
  return value;
}

/** Keeps our worktrees out of `git status` of the user's checkout, without touching their .gitignore. */
export async function ensureExcluded(repoPath: string): Promise<void> {
  const info = path.join(await commonGitDir(repoPath), 'info');
  const file = path.join(info, 'exclude');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current.split('\n').includes(EXCLUDE_LINE)) return;
  mkdirSync(info, { recursive: true });
  appendFileSync(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${EXCLUDE_LINE}\n`);
}

export async function ensureBuildBranch(input: EnsureBuildBranchInput): Promise<void> {
  const { repoPath, baseBranch, buildBranch } = input;
  await git(repoPath, ['check-ref-format', '--branch', buildBranch]);
  if (await refExists(repoPath, `refs/heads/${buildBranch}`)) return;
  if (!(await refExists(repoPath, baseBranch)))
    throw failure(
      FailureClass.BASE_BRANCH_MISSING,
      `Base branch "${baseBranch}" does not exist in ${repoPath}.`,
    );
  await git(repoPath, ['branch', buildBranch, baseBranch]);
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  branch: string | null;
}

export async function listWorktrees(repoPath: string): Promise<WorktreeEntry[]> {
  const out = await git(repoPath, ['worktree', 'list', '--porcelain']);
  const entries: WorktreeEntry[] = [];
  for (const block of out.split(/\n\n+/)) {
    const lines = block.split('\n');
    const wt = lines.find((l) => l.startsWith('worktree '));
    if (!wt) continue;
    const head = lines.find((l) => l.startsWith('HEAD '));
    const branch = lines.find((l) => l.startsWith('branch '));
    entries.push({
      path: wt.slice('worktree '.length),
      head: head ? head.slice(5) : null,
      branch: branch ? branch.slice('branch refs/heads/'.length) : null,
    });
  }
  return entries;
}

export function samePath(a: string, b: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : path.resolve(p));
  return real(a) === real(b);
}

/**
 * Adding, removing and pruning worktrees of one repository, one at a time: `git worktree add` reads
 * every other worktree's admin folder, and one being created at that moment fails it ("failed to read
 * .git/worktrees/<name>/commondir"). Short operations, so a lock of their own, not the merge lock
 * (a merge may hold that for minutes of hooks); a merge takes this one inside its own, never the reverse.
 */
export function withWorktreeLock<T>(repoPath: string, fn: () => Promise<T>): Promise<T> {
  return withRepoLock(repoPath, fn, { name: 'worktrees', waitMs: 10 * 60_000, staleMs: 10 * 60_000 });
}

/** Removes a worktree (registered or a leftover folder) and, when given, its branch. Missing pieces are fine. */
export function removeWorktree(repoPath: string, worktreePath: string, branch?: string): Promise<void> {
  return withWorktreeLock(repoPath, () => removeWorktreeLocked(repoPath, worktreePath, branch));
}

async function removeWorktreeLocked(repoPath: string, worktreePath: string, branch?: string): Promise<void> {
  const registered = (await listWorktrees(repoPath)).some((w) => samePath(w.path, worktreePath));
  if (registered)
    await runGit(repoPath, ['worktree', 'remove', '--force', '--force', worktreePath], {
      allowFailure: true,
    });
  rmSync(worktreePath, { recursive: true, force: true });
  await git(repoPath, ['worktree', 'prune']);
  if (branch && (await refExists(repoPath, `refs/heads/${branch}`)))
    await git(repoPath, ['branch', '-D', branch]);
  const parent = path.dirname(worktreePath);
  if (existsSync(parent) && readdirSync(parent).length === 0)
    rmSync(parent, { recursive: true, force: true });
}

/**
 * Creates the task's worktree and branch from the build branch's current tip. A retried activity finds
 * the worktree it already made and returns it; a leftover from an earlier attempt is replaced.
 */
export async function prepareWorktree(input: PrepareWorktreeInput): Promise<PreparedWorktree> {
  const branch = taskBranch(input.buildId, input.taskId, input.attempt);
  const worktreePath = taskWorktreePath(input.repoPath, input.buildId, input.taskId);
  await ensureExcluded(input.repoPath);
  return withWorktreeLock(input.repoPath, () => prepareLocked(input, branch, worktreePath));
}

async function prepareLocked(
  input: PrepareWorktreeInput,
  branch: string,
  worktreePath: string,
): Promise<PreparedWorktree> {
  const { repoPath, buildBranch } = input;
  const existing = (await listWorktrees(repoPath)).find((w) => samePath(w.path, worktreePath));
  if (existing && existing.branch === branch && existsSync(worktreePath)) {
    const baseCommit = await git(repoPath, ['merge-base', branch, buildBranch]);
    return { worktreePath, branch, baseCommit };
  }
  if (existing || existsSync(worktreePath))
    await removeWorktreeLocked(repoPath, worktreePath, existing?.branch ?? undefined);
  mkdirSync(path.dirname(worktreePath), { recursive: true });
  if (await refExists(repoPath, `refs/heads/${branch}`)) {
    // The activity crashed between creating the branch and the worktree: reuse the branch as it is.
    await git(repoPath, ['worktree', 'add', worktreePath, branch]);
    const baseCommit = await git(repoPath, ['merge-base', branch, buildBranch]);
    return { worktreePath, branch, baseCommit };
  }
  const baseCommit = await git(repoPath, ['rev-parse', `refs/heads/${buildBranch}`]);
  await git(repoPath, ['worktree', 'add', '-b', branch, worktreePath, baseCommit]);
  return { worktreePath, branch, baseCommit };
}

/** The real path of the nearest existing ancestor, with the missing rest appended. */
function realish(p: string): string {
  const abs = path.resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = path.dirname(abs);
  return parent === abs ? abs : path.join(realish(parent), path.basename(abs));
}

/** True when `p` is strictly inside the repository's `.buildrunner/worktrees` folder. */
export function insideWorktreesDir(repoPath: string, p: string): boolean {
  const root = path.join(repoPath, WORKTREES_DIR);
  const rel = path.relative(realish(root), realish(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** A task branch (`br/tasks/<build>/<task>-a<n>`), never a build branch or a branch of the user. */
export function isTaskBranch(branch: string): boolean {
  return branch.startsWith(BRANCH_PREFIX) && /^[^/]+\/[^/]+-a\d+$/.test(branch.slice(BRANCH_PREFIX.length));
}

/**
 * Removes a task's worktree and branch. The input comes from the workflow, so it is checked: cleanup
 * deletes nothing outside `.buildrunner/worktrees` and no branch but a task branch, whatever it is given.
 */
export async function cleanupTask(input: CleanupTaskInput): Promise<void> {
  if (!insideWorktreesDir(input.repoPath, input.worktreePath))
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Refusing to remove ${input.worktreePath}: task worktrees live under ${path.join(input.repoPath, WORKTREES_DIR)}.`,
    );
  if (input.branch !== undefined && !isTaskBranch(input.branch))
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Refusing to delete branch "${input.branch}": cleanup deletes task branches (br/tasks/<build>/<task>-a<n>) only.`,
    );
  await removeWorktree(input.repoPath, input.worktreePath, input.branch);
}

export interface SweepOptions {
  /** Only remove leftovers older than this many milliseconds. */
  olderThanMs?: number;
  /** Builds still running: their worktrees and branches are kept. */
  activeBuildIds?: string[];
  now?: number;
}

export interface SweepResult {
  removedWorktrees: string[];
  removedBranches: string[];
}

/** Removes worktrees and `br/…` branches left behind by crashed builds. */
export async function sweepOrphans(repoPath: string, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? Date.now();
  const active = new Set(options.activeBuildIds ?? []);
  const oldEnough = (ms: number) => options.olderThanMs === undefined || now - ms >= options.olderThanMs;
  const root = path.join(repoPath, WORKTREES_DIR);
  const result: SweepResult = { removedWorktrees: [], removedBranches: [] };
  await withWorktreeLock(repoPath, () => git(repoPath, ['worktree', 'prune']));

  const inRoot = (p: string) => samePath(path.dirname(path.dirname(p)), root);
  for (const wt of await listWorktrees(repoPath)) {
    const buildId = path.basename(path.dirname(wt.path));
    if (!inRoot(wt.path) || active.has(buildId)) continue;
    if (existsSync(wt.path) && !oldEnough(statSync(wt.path).mtimeMs)) continue;
    await removeWorktree(repoPath, wt.path);
    result.removedWorktrees.push(wt.path);
  }
  if (existsSync(root)) {
    const registered = (await listWorktrees(repoPath)).map((w) => w.path);
    for (const buildId of readdirSync(root)) {
      if (active.has(buildId)) continue;
      const buildDir = path.join(root, buildId);
      for (const taskId of statSync(buildDir).isDirectory() ? readdirSync(buildDir) : []) {
        const p = path.join(buildDir, taskId);
        if (registered.some((r) => samePath(r, p)) || !oldEnough(statSync(p).mtimeMs)) continue;
        rmSync(p, { recursive: true, force: true });
        result.removedWorktrees.push(p);
      }
      if (statSync(buildDir).isDirectory() && readdirSync(buildDir).length === 0)
        rmSync(buildDir, { recursive: true });
    }
  }

  const checkedOut = new Set((await listWorktrees(repoPath)).map((w) => w.branch).filter(Boolean));
  const refs = await git(repoPath, [
    'for-each-ref',
    '--format=%(refname:short) %(committerdate:unix)',
    `refs/heads/${BRANCH_PREFIX}`,
  ]);
  for (const line of refs.split('\n').filter(Boolean)) {
    const [branch, date] = line.split(' ') as [string, string];
    const buildId = branch.slice(BRANCH_PREFIX.length).split('/')[0]!;
    if (
      !isTaskBranch(branch) ||
      checkedOut.has(branch) ||
      active.has(buildId) ||
      !oldEnough(Number(date) * 1000)
    )
      continue;
    await git(repoPath, ['branch', '-D', branch]);
    result.removedBranches.push(branch);
  }
  return result;
}
