import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DeliverBuildInput, DeliverBuildResult } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
import { cachedRepo, type CachedRepo } from './cache';
import { withRepoLock } from './lock';
import { authorEnv, git, runGit, trailers } from './run';
import { baseCheckout, requireSubmodulesKept } from './deliver-guard';
import { listWorktrees } from './worktrees';

/**
 * Delivery by merge: the build branch into the base branch. The merge is computed in the object store
 * (`git merge-tree --write-tree`, `git commit-tree`), so a conflict changes nothing anywhere; then the
 * base branch moves forward to the result, by compare-and-swap:
 * - not checked out anywhere: `update-ref` from the tip the merge was computed on;
 * - checked out in a worktree (often the user's own checkout): only when that checkout is clean, by
 *   `git merge --ff-only --no-overwrite-ignore` there, which refuses before touching a file if it
 *   would overwrite one, ignored files included (git overwrites those by default);
 * - a remote build: a push with a lease on the fetched tip of the base, as the build branch moves.
 * Git runs the hardened way (safe.ts): no hooks, no program named by the repository. A retry finds the
 * base already holding the build branch and changes nothing (`already-merged`).
 */

type Merged = Pick<DeliverBuildResult, 'how' | 'commit'>;

/** Lost races on the remote base branch before the activity gives up (and Temporal retries it). */
const PUSH_ROUNDS = 5;

function refused(message: string, extra: { files?: string[]; output?: string } = {}) {
  return failure(FailureClass.DELIVERY_REFUSED, message, extra);
}

async function isAncestor(gitDir: string, a: string, b: string): Promise<boolean> {
  return (await runGit(gitDir, ['merge-base', '--is-ancestor', a, b], { allowFailure: true })).code === 0;
}

/** The commit the base should move to (the build tip, or a new merge commit), or DELIVERY_REFUSED on conflict. */
export async function mergedCommit(
  gitDir: string,
  base: string,
  build: string,
  input: DeliverBuildInput,
): Promise<Merged> {
  if (await isAncestor(gitDir, build, base)) return { how: 'already-merged', commit: base };
  if (await isAncestor(gitDir, base, build)) return { how: 'fast-forward', commit: build };
  const args = ['merge-tree', '--write-tree', '--name-only', '--no-messages', base, build];
  const r = await runGit(gitDir, args, { allowFailure: true });
  const [tree = '', ...rest] = r.stdout.trim().split('\n');
  if (r.code === 1) {
    const files = rest.filter(Boolean).slice(0, 50);
    throw refused(
      `Merging ${input.buildBranch} into ${input.baseBranch} conflicts in ${files.join(', ') || 'unknown files'}; ` +
        `nothing was changed. Merge it yourself (git switch ${input.baseBranch} && git merge ${input.buildBranch}) and resolve the conflict.`,
      { files },
    );
  }
  if (r.code !== 0 || !/^[0-9a-f]{40,64}$/.test(tree))
    throw new Error(`git merge-tree failed (exit ${r.code}): ${r.stderr.trim().slice(0, 2000)}`);
  const message =
    `Merge ${input.buildBranch} into ${input.baseBranch}\n\n` +
    `BuildRunner delivered build ${input.buildId}.\n\n${trailers({ buildId: input.buildId })}\n`;
  const commit = await git(gitDir, ['commit-tree', tree, '-p', base, '-p', build, '-F', '-'], {
    input: message,
    env: authorEnv,
  });
  return { how: 'merge-commit', commit };
}

async function tipOf(repoPath: string, branch: string): Promise<string | null> {
  const r = await runGit(repoPath, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
    allowFailure: true,
  });
  return r.code === 0 ? r.stdout.trim() : null;
}

const IN_PROGRESS = [
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'rebase-merge',
  'rebase-apply',
  'BISECT_LOG',
];

/** Refuses, touching nothing, when the checkout of the base has uncommitted changes or an operation under way. */
async function requireClean(dir: string, input: DeliverBuildInput): Promise<void> {
  const gitDir = await git(dir, ['rev-parse', '--absolute-git-dir']);
  const busy = IN_PROGRESS.find((f) => existsSync(path.join(gitDir, f)));
  const what = (s: string) =>
    `${input.baseBranch} is checked out at ${dir} ${s}; BuildRunner never touches uncommitted work, so nothing was changed. ` +
    `Commit or stash there, then merge the build yourself: git -C ${dir} merge ${input.buildBranch}`;
  if (busy) throw refused(what(`with a git operation under way (${busy})`));
  // --no-optional-locks: reading the status must not take the index lock from under the user's own git.
  const status = await runGit(dir, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no']);
  const lines = status.stdout.split('\n').filter(Boolean);
  if (lines.length) {
    const files = lines.map((l) => l.slice(3)).slice(0, 20);
    throw refused(what(`with uncommitted changes (${files.join(', ')})`), { files });
  }
}

/** A build on this machine: moves the base branch of repoPath, under the repository's merge lock. */
export async function deliverLocal(input: DeliverBuildInput): Promise<DeliverBuildResult> {
  const repo = input.repoPath;
  return withRepoLock(repo, async () => {
    const base = await tipOf(repo, input.baseBranch);
    if (!base)
      throw failure(
        FailureClass.BASE_BRANCH_MISSING,
        `Base branch "${input.baseBranch}" does not exist in ${repo}; nothing was delivered.`,
      );
    const build = await tipOf(repo, input.buildBranch);
    if (!build) throw refused(`The build branch "${input.buildBranch}" is gone from ${repo}.`);
    const merged = await mergedCommit(repo, base, build, input);
    // A retry after its own delivery reports where it went, without refusing what the user did since.
    const holder =
      merged.how === 'already-merged'
        ? (await listWorktrees(repo)).find((w) => w.branch === input.baseBranch && existsSync(w.path))
        : await baseCheckout(repo, input);
    const where = holder
      ? { where: 'checkout' as const, checkout: holder.path }
      : { where: 'branch' as const };
    if (merged.how === 'already-merged') return { ...merged, ...where };
    if (!holder) {
      // Compare-and-swap: only if the base is still where the merge was computed (else the retry recomputes).
      await git(repo, [
        'update-ref',
        '-m',
        `BuildRunner: deliver ${input.buildId}`,
        `refs/heads/${input.baseBranch}`,
        merged.commit,
        base,
      ]);
      return { ...merged, ...where };
    }
    await requireClean(holder.path, input);
    await requireSubmodulesKept(holder.path, base, merged.commit, input);
    const ff = await runGit(
      holder.path,
      ['merge', '--ff-only', '--no-overwrite-ignore', '--quiet', merged.commit],
      {
        env: authorEnv,
        allowFailure: true,
      },
    );
    // The user committed on the base since the merge was computed: the retry merges onto their commit.
    if (ff.code !== 0 && (await tipOf(repo, input.baseBranch)) !== base)
      throw new Error(`${input.baseBranch} moved while the build was being delivered; retrying.`);
    if (ff.code !== 0)
      throw refused(
        `Git refused to move ${input.baseBranch} in its checkout ${holder.path}; nothing was changed there. ` +
          `${(ff.stderr || ff.stdout).trim().slice(0, 1500)}`,
      );
    // `merge` moves whatever the checkout has: the user may have switched branches since it was listed.
    if ((await tipOf(repo, input.baseBranch)) !== merged.commit) {
      const now = await runGit(holder.path, ['symbolic-ref', '-q', '--short', 'HEAD'], {
        allowFailure: true,
      });
      throw refused(
        `The checkout ${holder.path} left ${input.baseBranch} for ${now.stdout.trim() || 'a detached HEAD'} while the build was being delivered, ` +
          `so that was fast-forwarded to the build instead and ${input.baseBranch} was not changed. Merge it yourself: git switch ${input.baseBranch} && git merge ${input.buildBranch}`,
      );
    }
    return { ...merged, ...where };
  });
}

/** A remote build: the base branch on the remote moves by a push with a lease, like the build branch. */
export async function deliverRemote(
  input: DeliverBuildInput & { repoUrl: string },
  cacheDir: string,
): Promise<DeliverBuildResult> {
  const repo = cachedRepo(input.repoUrl, cacheDir);
  for (let round = 1; round <= PUSH_ROUNDS; round++) {
    const result = await repo.locked(() => deliverRemoteOnce(repo, input));
    if (result) return result;
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 150 * round)));
  }
  throw new Error(
    `The base branch "${input.baseBranch}" moved under ${PUSH_ROUNDS} deliveries in a row; retrying.`,
  );
}

async function deliverRemoteOnce(
  repo: CachedRepo,
  input: DeliverBuildInput & { repoUrl: string },
): Promise<DeliverBuildResult | null> {
  await repo.fetch([input.baseBranch, input.buildBranch]);
  const base = await repo.remoteTip(input.baseBranch);
  if (!base)
    throw failure(
      FailureClass.BASE_BRANCH_MISSING,
      `Base branch "${input.baseBranch}" does not exist on the remote ${input.repoUrl}; nothing was delivered.`,
    );
  const build = await repo.remoteTip(input.buildBranch);
  if (!build)
    throw refused(`The build branch "${input.buildBranch}" is gone from the remote ${input.repoUrl}.`);
  const merged = await mergedCommit(repo.gitDir, base, build, input);
  if (merged.how === 'already-merged') return { ...merged, where: 'remote' };
  let landed: boolean;
  try {
    landed = await repo.pushLease(merged.commit, `refs/heads/${input.baseBranch}`, base);
  } catch (err) {
    // A protected branch or a server-side hook said no: no retry changes that.
    const text = err instanceof Error ? err.message : String(err);
    if (/remote rejected|protected branch|declined/.test(text))
      throw refused(`The remote refused the push to ${input.baseBranch}: ${text.slice(0, 1500)}`);
    throw err;
  }
  return landed ? { ...merged, where: 'remote' } : null;
}
