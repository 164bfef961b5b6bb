import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FailureClass } from '../../../lib/failures';
import { failure } from '../../failure';

const run = promisify(execFile);

/**
 * Puts the worktree back at the attempt's base commit, so a retried attempt never starts from
 * half-applied edits. Both commands act inside the worktree only (`-C`), ignored files included.
 */
export async function resetWorktree(worktreePath: string, baseCommit: string): Promise<void> {
  // A hex id only: anything else could be read by git as an option.
  if (!/^[0-9a-f]{7,64}$/i.test(baseCommit))
    throw failure(FailureClass.INVALID_REQUEST, `baseCommit "${baseCommit}" is not a commit id.`);
  try {
    await run('git', ['-C', worktreePath, 'reset', '--hard', '--quiet', baseCommit]);
    await run('git', ['-C', worktreePath, 'clean', '-fdx', '--quiet']);
  } catch (err) {
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Could not reset the worktree ${worktreePath} to ${baseCommit}: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`,
    );
  }
}
