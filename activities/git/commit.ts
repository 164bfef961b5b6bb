import path from 'node:path';
import { CONFIG_FILE } from '../../lib/config';
import type { CommitTaskInput, CommitTaskResult } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { failure } from '../failure';
import { runCommitHooks, runHook, WITHOUT_HOOKS } from './hooks';
import { authorEnv, git, runGit, stageAll, trailers, trimOutput } from './run';
import { sandboxFailure } from './verify';

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
 * The project's configuration files the staged change adds, edits, deletes or renames. Any folder's
 * counts: the configuration is found by walking up from where `br` runs.
 */
async function stagedConfigFiles(cwd: string): Promise<string[]> {
  const names = await git(cwd, ['diff', '--cached', '--name-only', '--no-renames', '-z', 'HEAD']);
  return names.split('\0').filter((p) => p && path.posix.basename(p) === CONFIG_FILE);
}

/**
 * Commits everything the agent changed, as BuildRunner with build/task/model trailers. The repository's
 * hooks are the guard rails the agent must satisfy, but they run code the model may have written, so
 * they run in the sandbox (activities/git/hooks.ts) and git commits outside with hooks off. A rejection
 * becomes HOOK_REJECTED carrying the hook's (secret-masked) output for the repair attempt.
 */
export async function commitTask(input: CommitTaskInput, policy: SandboxPolicy): Promise<CommitTaskResult> {
  const cwd = input.worktreePath;
  await stageAll(cwd);
  const staged = await runGit(cwd, ['diff', '--cached', '--quiet'], { allowFailure: true });
  if (staged.code === 0) return { commit: await headIsOurs({ ...input }).catch(() => null) };
  // The configuration sets the hooks, the verification command and the sandbox limits this very change
  // is judged by: a task must not loosen them for itself or slip a change of them into the user's branch.
  const config = await stagedConfigFiles(cwd);
  if (config.length) {
    const files = config.join(', ');
    const output =
      `This task changed ${files}, BuildRunner's project configuration (hooks, verification, sandbox limits). ` +
      `A task may not change it: restore it with \`git checkout HEAD -- ${config.join(' ')}\` (delete it if the task added it) ` +
      'and do the task without it.';
    throw failure(
      FailureClass.CONFIG_CHANGED_BY_TASK,
      `Task ${input.taskId} changed ${files}; nothing was committed. A task may not change BuildRunner's configuration: ` +
        'change it yourself on the base branch if the project needs it.',
      { output, model: input.model },
    );
  }
  const trailerText = trailers(input);
  const wanted = `${input.message.trim()}\n\n${trailerText}\n`;
  const hooks = await runCommitHooks(cwd, wanted, policy).catch((err: unknown) => {
    throw sandboxFailure(err);
  });
  if ('rejected' in hooks) {
    const { hook, run } = hooks.rejected;
    const output = trimOutput(`${run.output}\n(${hook} hook: ${run.verdict})`);
    throw failure(
      FailureClass.HOOK_REJECTED,
      `The ${hook} hook rejected the commit for task ${input.taskId}: ${output.split('\n')[0] ?? ''}`,
      { output, model: input.model },
    );
  }
  // A commit-msg hook may reword the message; it may not drop the trailers retries rely on.
  const message = hooks.message.includes(trailerText) ? hooks.message : wanted;
  await git(cwd, [...WITHOUT_HOOKS, 'commit', '--file=-', '--cleanup=verbatim'], {
    input: message,
    env: authorEnv,
  });
  // STATUS.md is regenerated once on the build branch (markFeaturesDelivered), not in every task worktree,
  // where it would leak into the next commit and make parallel tasks touch the same file.
  await runHook(cwd, 'post-commit', [], policy, { env: { BR_POST_COMMIT_RUNNING: '1' } }).catch(() => null);
  return { commit: await git(cwd, ['rev-parse', 'HEAD']) };
}
