import { FailureClass } from '../../../lib/failures';
import { git } from '../../git/safe';
import { failure } from '../../failure';

/**
 * Puts the worktree back at the attempt's base commit, so a retried attempt never starts from
 * half-applied edits. Both commands act inside the worktree only (`-C`), ignored files included.
 */
export async function resetWorktree(worktreePath: string, baseCommit: string): Promise<void> {
  // A hex id only: anything else could be read by git as an option.
  if (!/^[0-9a-f]{7,64}$/i.test(baseCommit))
    throw failure(FailureClass.INVALID_REQUEST, `baseCommit "${baseCommit}" is not a commit id.`);
  try {
    await git(worktreePath, ['reset', '--hard', '--quiet', baseCommit]);
    await git(worktreePath, ['clean', '-fdx', '--quiet']);
  } catch (err) {
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Could not reset the worktree ${worktreePath} to ${baseCommit}: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`,
    );
  }
}
