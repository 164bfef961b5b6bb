import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { withRepoLock } from './lock';
import { git, runGit, type GitResult } from './run';
import { listWorktrees, safeSegment, samePath } from './worktrees';

/**
 * A worker's own clone of a build's repository, kept under the worker's cache directory: a bare
 * repository that only fetches from and pushes to the remote (never a working copy another process
 * shares), plus the worktrees this worker made from it. Remote branches are fetched into
 * refs/remotes/origin/*, so a local ref never hides what the remote holds.
 */
export class CachedRepo {
  readonly gitDir: string;
  readonly worktreesRoot: string;

  constructor(
    readonly url: string,
    cacheDir: string,
  ) {
    const key = repoKey(url);
    this.gitDir = path.join(cacheDir, 'repos', `${key}.git`);
    this.worktreesRoot = path.join(cacheDir, 'worktrees', key);
  }

  /** Creates the bare clone on first use (no network: the first fetch brings the objects). */
  async ensure(): Promise<void> {
    if (!existsSync(path.join(this.gitDir, 'HEAD'))) {
      mkdirSync(this.gitDir, { recursive: true });
      await git(this.gitDir, ['init', '--quiet', '--bare']);
      await git(this.gitDir, ['remote', 'add', 'origin', this.url]);
      // Merges and commits made here are BuildRunner's; gc never runs in the middle of an activity.
      await git(this.gitDir, ['config', 'gc.auto', '0']);
    }
  }

  /** Serializes this clone's fetches, worktree changes and pushes among the activities of this worker. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.ensure().then(() => withRepoLock(this.gitDir, fn));
  }

  /**
   * Fetches these branches (missing ones are skipped) into refs/remotes/origin/ and these plain refs
   * (refs/br-handoff/…) to the same name; a ref the remote no longer has is deleted here too.
   */
  async fetch(branches: string[], refs: string[] = []): Promise<void> {
    const wanted = [...branches.map((b) => `refs/heads/${b}`), ...refs];
    const listed = await git(this.gitDir, ['ls-remote', 'origin', ...wanted], { network: true });
    const present = new Set(
      listed
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[1]!),
    );
    const local = (ref: string) =>
      ref.startsWith('refs/heads/') ? `refs/remotes/origin/${ref.slice('refs/heads/'.length)}` : ref;
    const specs = wanted.filter((r) => present.has(r)).map((r) => `+${r}:${local(r)}`);
    if (specs.length)
      await git(this.gitDir, ['fetch', '--quiet', '--no-tags', 'origin', ...specs], { network: true });
    for (const r of wanted.filter((w) => !present.has(w)))
      await runGit(this.gitDir, ['update-ref', '-d', local(r)], { allowFailure: true });
  }

  /** Fetches a remote branch to the same local branch name (for readers that name it as a branch). */
  async fetchAsLocal(branch: string): Promise<void> {
    await git(
      this.gitDir,
      ['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${branch}:refs/heads/${branch}`],
      { network: true },
    );
  }

  /** The fetched tip of a remote branch, or null when the remote does not have it. */
  async remoteTip(branch: string): Promise<string | null> {
    return this.resolve(`refs/remotes/origin/${branch}`);
  }

  async resolve(ref: string): Promise<string | null> {
    const r = await runGit(this.gitDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      allowFailure: true,
    });
    return r.code === 0 ? r.stdout.trim() : null;
  }

  /**
   * Compare-and-swap of one remote ref: sets `ref` to `sha` only if the remote still has `expected`
   * there (null: only if it does not exist yet). False when another writer got there first.
   */
  async pushLease(sha: string, ref: string, expected: string | null): Promise<boolean> {
    const r = await this.push([`--force-with-lease=${ref}:${expected ?? ''}`, `${sha}:${ref}`]);
    if (r.code === 0) return true;
    // Rejected by the lease, or (a race inside the remote itself) by the remote's own ref lock.
    const lost = /\[rejected\]|stale info|non-fast-forward|fetch first|already exists|cannot lock ref/;
    if (lost.test(r.stderr + r.stdout)) return false;
    throw new Error(`git push ${ref} to ${this.url} failed: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
  }

  async pushForce(sha: string, ref: string): Promise<void> {
    const r = await this.push([`+${sha}:${ref}`]);
    if (r.code !== 0)
      throw new Error(
        `git push ${ref} to ${this.url} failed: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`,
      );
  }

  /** Deletes remote refs; a ref that is already gone is fine. */
  async deleteRemote(refs: string[]): Promise<void> {
    if (!refs.length) return;
    await this.push(refs.map((r) => `:${r}`));
  }

  private push(args: string[]): Promise<GitResult> {
    return runGit(this.gitDir, ['push', '--porcelain', 'origin', ...args], {
      allowFailure: true,
      network: true,
    });
  }

  /** Ids come from the workflow: checked, so no path leaves this clone's worktrees folder. */
  taskWorktreePath(buildId: string, taskId: string): string {
    return path.join(this.worktreesRoot, safeSegment(buildId, 'build id'), safeSegment(taskId, 'task id'));
  }

  mergeWorktreePath(buildId: string): string {
    return path.join(this.worktreesRoot, safeSegment(buildId, 'build id'), '.merge');
  }

  /**
   * A detached worktree of this clone at `commit`, at `dir`: made on first use, then reset to `commit`
   * and cleaned (ignored files, such as installed dependencies, stay).
   */
  async worktreeAt(dir: string, commit: string): Promise<string> {
    const registered = (await listWorktrees(this.gitDir)).some((w) => samePath(w.path, dir));
    if (registered && existsSync(path.join(dir, '.git'))) {
      if (existsSync(path.join(await git(dir, ['rev-parse', '--absolute-git-dir']), 'MERGE_HEAD')))
        await runGit(dir, ['merge', '--abort'], { allowFailure: true });
      await git(dir, ['reset', '--quiet', '--hard', commit]);
      await git(dir, ['clean', '-fdq']);
      return dir;
    }
    rmSync(dir, { recursive: true, force: true });
    await git(this.gitDir, ['worktree', 'prune']);
    mkdirSync(path.dirname(dir), { recursive: true });
    await git(this.gitDir, ['worktree', 'add', '--quiet', '--detach', dir, commit]);
    return dir;
  }

  async removeWorktree(dir: string): Promise<void> {
    await runGit(this.gitDir, ['worktree', 'remove', '--force', '--force', dir], { allowFailure: true });
    rmSync(dir, { recursive: true, force: true });
    await git(this.gitDir, ['worktree', 'prune']);
  }
}

/** A readable, collision-free folder name for a repository URL: `<last path segment>-<hash>`. */
export function repoKey(url: string): string {
  const base = (url.replace(/\/+$/, '').split(/[/:]/).pop() ?? 'repo')
    .replace(/\.git$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 40);
  return `${base || 'repo'}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/**
 * Removes this worker's task and merge worktrees untouched for `olderThanMs` (default one hour), in
 * every cache clone: the remote holds everything they held (task branches, handed-off work, the build
 * branch), and the next step on this worker makes them again. Run at worker start, before polling.
 */
export async function pruneCache(cacheDir: string, olderThanMs = 60 * 60_000): Promise<string[]> {
  const removed: string[] = [];
  const reposDir = path.join(cacheDir, 'repos');
  if (!existsSync(reposDir)) return removed;
  for (const name of readdirSync(reposDir).filter((n) => n.endsWith('.git'))) {
    const gitDir = path.join(reposDir, name);
    for (const wt of await listWorktrees(gitDir)) {
      if (samePath(wt.path, gitDir)) continue;
      const mtime = existsSync(wt.path) ? statSync(wt.path).mtimeMs : 0;
      if (Date.now() - mtime < olderThanMs) continue;
      await runGit(gitDir, ['worktree', 'remove', '--force', '--force', wt.path], { allowFailure: true });
      rmSync(wt.path, { recursive: true, force: true });
      removed.push(wt.path);
    }
    await git(gitDir, ['worktree', 'prune']);
  }
  return removed;
}

const clones = new Map<string, CachedRepo>();

/** One CachedRepo per URL and cache directory in this process. */
export function cachedRepo(url: string, cacheDir: string): CachedRepo {
  const key = `${cacheDir}\0${url}`;
  let repo = clones.get(key);
  if (!repo) clones.set(key, (repo = new CachedRepo(url, cacheDir)));
  return repo;
}
