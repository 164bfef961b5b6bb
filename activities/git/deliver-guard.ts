import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DeliverBuildInput } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
import { readRegularFile } from '../safe-fs';
import { git, runGit } from './run';
import { listWorktrees, type WorktreeEntry } from './worktrees';

/**
 * What must hold before BuildRunner moves the base branch of a repository on this machine, beyond the
 * merge itself (deliver.ts). Moving a branch under a checkout that git does not see as holding it leaves
 * that checkout's index and files at the old tip, so `git status` there shows the build reverted, staged,
 * and the user's next commit reverts it; git's own `fetch` and `branch -f` refuse the same moves.
 */

const refused = (message: string) => failure(FailureClass.DELIVERY_REFUSED, message);

async function fullName(repo: string, branch: string): Promise<string> {
  const r = await runGit(repo, ['rev-parse', '--symbolic-full-name', `refs/heads/${branch}`], {
    allowFailure: true,
  });
  return r.code === 0 ? r.stdout.trim() : `refs/heads/${branch}`;
}

/** The branch a worktree is rebasing or bisecting (its HEAD detached meanwhile), if any. */
async function busyWith(wt: WorktreeEntry): Promise<string | null> {
  const r = await runGit(wt.path, ['rev-parse', '--absolute-git-dir'], { allowFailure: true });
  if (r.code !== 0) return null;
  const gitDir = r.stdout.trim();
  const read = (f: string) => readRegularFile(path.join(gitDir, f), 4096)?.trim() || null;
  for (const f of ['rebase-merge/head-name', 'rebase-apply/head-name']) {
    const name = read(f);
    if (name) return name.replace(/^refs\/heads\//, '');
  }
  const bisect = read('BISECT_START');
  return bisect ? bisect.replace(/^refs\/heads\//, '') : null;
}

/**
 * The one checkout of the base branch (or none), after refusing, touching nothing: a base that is a
 * symbolic ref, a base checked out in more than one worktree (`git worktree add -f`), or a base that a
 * worktree is rebasing or bisecting (git lists that worktree as detached).
 */
export async function baseCheckout(
  repo: string,
  input: DeliverBuildInput,
): Promise<WorktreeEntry | undefined> {
  const base = input.baseBranch;
  const full = `refs/heads/${base}`;
  if ((await fullName(repo, base)) !== full)
    throw refused(
      `The base branch "${base}" is a symbolic ref (to ${await fullName(repo, base)}); BuildRunner moves only a real branch, so nothing was changed. ` +
        `Merge the build yourself: git merge ${input.buildBranch}`,
    );
  const holders: WorktreeEntry[] = [];
  for (const wt of await listWorktrees(repo)) {
    if (!existsSync(wt.path)) {
      // Git still counts it as holding its branch (`git branch -f` refuses): a drive not mounted now.
      if (wt.branch && (wt.branch === base || (await fullName(repo, wt.branch)) === full))
        throw refused(
          `${base} is checked out at ${wt.path}, which is not there now; moving ${base} would leave that checkout behind, so nothing was changed. ` +
            `If it is gone for good, run git worktree prune and deliver again (br build continue).`,
        );
      continue;
    }
    if (wt.branch) {
      if (wt.branch === base || (await fullName(repo, wt.branch)) === full) holders.push(wt);
      continue;
    }
    const busy = await busyWith(wt);
    if (busy === base)
      throw refused(
        `${base} is being rebased or bisected at ${wt.path}; BuildRunner never moves a branch under a git operation, so nothing was changed. ` +
          `Finish it there, then merge the build yourself: git -C ${wt.path} merge ${input.buildBranch}`,
      );
  }
  if (holders.length > 1)
    throw refused(
      `${base} is checked out in ${holders.length} places (${holders.map((h) => h.path).join(', ')}); moving it would leave all but one behind, so nothing was changed. ` +
        `Merge the build yourself in one of them: git merge ${input.buildBranch}`,
    );
  return holders[0];
}

/**
 * Refuses when the move would replace or remove a submodule whose folder holds files in the checkout:
 * with submodules not recursed into (safe.ts), git replaces such a folder by the build's file and its
 * untracked and uncommitted work is gone, and `git status` (diff.ignoreSubmodules=all) never showed it.
 */
export async function requireSubmodulesKept(
  dir: string,
  from: string,
  to: string,
  input: DeliverBuildInput,
): Promise<void> {
  const raw = await git(dir, ['diff-tree', '-r', '-z', '--no-renames', from, to]);
  const fields = raw.split('\0');
  const lost: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode] = fields[i]!.replace(/^:/, '').split(' ');
    const file = fields[i + 1]!;
    if (oldMode !== '160000' || newMode === '160000') continue;
    const folder = path.join(dir, file);
    if (existsSync(folder) && readdirSync(folder).length) lost.push(file);
  }
  if (lost.length)
    throw refused(
      `Merging ${input.buildBranch} would replace the submodule ${lost.slice(0, 10).join(', ')} in ${dir}, whose folder holds files; ` +
        `BuildRunner never deletes work there, so nothing was changed. Merge the build yourself: git -C ${dir} merge ${input.buildBranch}`,
    );
}
