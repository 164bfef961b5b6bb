// eslint-disable-next-line no-restricted-imports -- lock files live in the shared git dir, which the sandbox cannot write
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { commonGitDir } from './run';

function holderIsGone(file: string, staleMs: number): boolean {
  try {
    const [host, pidText] = readFileSync(file, 'utf8').split(':');
    if (Date.now() - statSync(file).mtimeMs > staleMs) return true;
    if (host !== hostname()) return false;
    process.kill(Number(pidText), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Other holders kept the lock for the whole wait. */
export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

/**
 * Serializes merges into one repository across activities and worker processes on this machine: two
 * merges into a build branch must never interleave. A lock left by a dead process is taken over.
 * `name` picks another lock of the same repository (worktrees: see withWorktreeLock).
 */
export async function withRepoLock<T>(
  repoPath: string,
  fn: () => Promise<T>,
  options: { waitMs?: number; staleMs?: number; name?: string } = {},
): Promise<T> {
  const file = path.join(await commonGitDir(repoPath), `buildrunner-${options.name ?? 'merge'}.lock`);
  const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
  for (;;) {
    try {
      writeFileSync(file, `${hostname()}:${process.pid}`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (holderIsGone(file, options.staleMs ?? 30 * 60_000)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LockTimeoutError(`Timed out waiting for the merge lock ${file}`);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 100)));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
