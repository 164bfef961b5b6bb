import { redactKeys } from '../../lib/child-env';
import type { CommitTaskInput, CommitTaskResult } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
import { authorEnv, git, runGit, trailers, trimOutput } from './run';

/** True when HEAD is a commit this task already made (the activity is being retried after success). */
async function headIsOurs(input: CommitTaskInput): Promise<string | null> {
  const body = await git(input.worktreePath, ['log', '-1', '--format=%H%n%B', 'HEAD']);
  const [sha, ...message] = body.split('\n');
  const text = message.join('\n');
  const ours =
    text.includes(`BuildRunner-Build: ${input.buildId}\n`) &&
    text.includes(`BuildRunner-Task: ${input.taskId}\n`);
  return ours && !text.startsWith('Merge ') ? sha! : null;
}

/**
 * Commits everything the agent changed, as BuildRunner with build/task/model trailers. The repository's
 * hooks run (no --no-verify): they are the guard rails the agent must satisfy, so a rejection becomes
 * HOOK_REJECTED carrying the hook's output for the repair attempt.
 */
export async function commitTask(input: CommitTaskInput): Promise<CommitTaskResult> {
  const cwd = input.worktreePath;
  await git(cwd, ['add', '--all']);
  const staged = await runGit(cwd, ['diff', '--cached', '--quiet'], { allowFailure: true });
  if (staged.code === 0) return { commit: await headIsOurs({ ...input }).catch(() => null) };
  const message = `${input.message.trim()}\n\n${trailers(input)}\n`;
  const result = await runGit(cwd, ['commit', '--file=-', '--cleanup=verbatim'], {
    input: message,
    // STATUS.md is regenerated once on the build branch (markFeaturesDelivered), not in every task worktree,
    // where it would leak into the next commit and make parallel tasks touch the same file.
    env: { ...authorEnv, BR_POST_COMMIT_RUNNING: '1' },
    scrubSecrets: true,
    allowFailure: true,
  });
  if (result.code !== 0) {
    // Staged changes exist, so a failing `git commit` here is a hook saying no (pre-commit, commit-msg).
    const output = redactKeys(trimOutput(`${result.stderr}\n${result.stdout}`));
    throw failure(
      FailureClass.HOOK_REJECTED,
      `A git hook rejected the commit for task ${input.taskId}: ${output.split('\n')[0] ?? ''}`,
      { output, model: input.model },
    );
  }
  return { commit: await git(cwd, ['rev-parse', 'HEAD']) };
}
