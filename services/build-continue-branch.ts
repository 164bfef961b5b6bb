import { existsSync } from 'node:fs';
import { runGit } from '../activities/git/safe';
import type { CompactTaskState } from '../workflows/core/types';

/**
 * Before `br build continue` starts a run that keeps merged tasks (never runs or pays for them again),
 * their work must still be on the build branch: a run on a branch the user deleted or force-moved back
 * would end SUCCEEDED without that work, or fail every task on a missing branch. The answer is the
 * problem to show, or null when the work is there (or the repository is not on this machine, as with a
 * `repoUrl` build whose worker keeps its own clone: then the worker is the one to find out).
 */
export async function keptWorkProblem(
  repoPath: string,
  buildBranch: string,
  kept: Record<string, CompactTaskState>,
): Promise<string | null> {
  const merges = Object.entries(kept)
    .filter(([, t]) => t.state === 'SUCCEEDED' && t.mergeCommit)
    .sort(([, a], [, b]) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
  if (merges.length === 0 || !existsSync(repoPath)) return null;
  const ref = `refs/heads/${buildBranch}`;
  const last = merges[merges.length - 1]![1].mergeCommit!;
  const tip = await runGit(repoPath, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    allowFailure: true,
  });
  if (tip.code !== 0)
    return (
      `The build branch ${buildBranch} is gone from ${repoPath}, and with it the work of the merged tasks ` +
      `(${merges.map(([id]) => id).join(', ')}), which a continued run keeps and does not run again. ` +
      `Bring it back with \`git branch ${buildBranch} ${last}\` (the last merge) and continue again, ` +
      'or build from scratch with `br build start --rebuild` (every task is paid for again).'
    );
  const missing: string[] = [];
  for (const [id, t] of merges) {
    const on = await runGit(repoPath, ['merge-base', '--is-ancestor', t.mergeCommit!, ref], {
      allowFailure: true,
    });
    if (on.code !== 0) missing.push(`${id} (${t.mergeCommit!.slice(0, 12)})`);
  }
  if (missing.length === 0) return null;
  return (
    `The build branch ${buildBranch} no longer holds the work of merged tasks ${missing.join(', ')}: ` +
    'it was moved or rewritten since. A continued run keeps those tasks and does not run them again, so ' +
    `it would finish without their work. Bring it back onto the branch (e.g. \`git switch ${buildBranch} && ` +
    `git merge ${last}\`, which keeps your own commits) and continue again, or build from scratch with ` +
    '`br build start --rebuild`.'
  );
}
