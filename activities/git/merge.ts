import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import type { MergeTaskInput, MergeTaskResult } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { redactSecrets, secretValuesOf } from '../../lib/secrets/redact';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { failure } from '../failure';
import { runHook, WITHOUT_HOOKS } from './hooks';
import { LockTimeoutError, withRepoLock } from './lock';
import { sandboxFailure } from './verify';
import { authorEnv, git, refExists, runGit, trailers, trimOutput } from './run';
import { WORKTREES_DIR, ensureExcluded, listWorktrees, samePath, withWorktreeLock } from './worktrees';

/**
 * The build branch's own worktree, where merges happen, so the user's checkout (and whatever branch it
 * has checked out) is never touched. Reused across merges of one build; reset to the branch tip first.
 */
export async function mergeWorktree(repoPath: string, buildId: string, buildBranch: string): Promise<string> {
  await ensureExcluded(repoPath);
  const wanted = path.join(repoPath, WORKTREES_DIR, buildId, '.merge');
  const holder = (await listWorktrees(repoPath)).find((w) => w.branch === buildBranch);
  let dir = wanted;
  if (holder && existsSync(holder.path)) {
    const ours = samePath(path.dirname(path.dirname(holder.path)), path.join(repoPath, WORKTREES_DIR));
    if (!ours || path.basename(holder.path) !== '.merge')
      throw failure(
        FailureClass.BRANCH_CHECKED_OUT,
        `The build branch "${buildBranch}" is checked out at ${holder.path}; BuildRunner merges into it in its ` +
          `own worktree. Switch that checkout to another branch (git switch <branch>) and retry.`,
      );
    dir = holder.path;
  } else {
    await withWorktreeLock(repoPath, async () => {
      await git(repoPath, ['worktree', 'prune']);
      mkdirSync(path.dirname(wanted), { recursive: true });
      await git(repoPath, ['worktree', 'add', wanted, buildBranch]);
    });
  }
  if (existsSync(path.join(await git(dir, ['rev-parse', '--absolute-git-dir']), 'MERGE_HEAD')))
    await runGit(dir, ['merge', '--abort'], { allowFailure: true });
  await git(dir, ['reset', '--quiet', '--hard', 'HEAD']);
  await git(dir, ['clean', '-fdq']);
  return dir;
}

async function conflictFailure(
  dir: string,
  input: MergeTaskInput,
  gitOutput: string,
): Promise<ApplicationFailure> {
  const files = (await git(dir, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
  // Git's own output, but it quotes file content on some conflicts: masked like every command output.
  const output = redactSecrets(
    trimOutput(
      `Merging ${input.branch} into ${input.buildBranch} conflicts in:\n${files.map((f) => `  ${f}`).join('\n')}\n\n${gitOutput.trim()}`,
    ),
    secretValuesOf(process.env),
  );
  return failure(
    FailureClass.MERGE_CONFLICT,
    `Task ${input.taskId} conflicts with ${input.buildBranch} in ${files.join(', ') || 'unknown files'}`,
    { output, files },
  );
}

/**
 * Merges `taskRef` into what is checked out in `dir` (--no-ff, trailers, the pre-merge-commit hook in the
 * sandbox) and returns the merge commit. On conflict or a rejecting hook `dir` is reset to where it was
 * and the typed failure is thrown: MERGE_CONFLICT lists the files, so the task is redone on the new base.
 */
export async function mergeInto(
  dir: string,
  taskRef: string,
  input: MergeTaskInput,
  policy: SandboxPolicy,
): Promise<string> {
  const before = await git(dir, ['rev-parse', 'HEAD']);
  const message = `Merge task ${input.taskId} (${input.branch})\n\n${trailers(input)}\n`;
  // Git merges outside the sandbox with hooks off; the pre-merge-commit hook runs inside (hooks.ts).
  const result = await runGit(dir, [...WITHOUT_HOOKS, 'merge', '--no-ff', '--no-commit', taskRef], {
    env: authorEnv,
    allowFailure: true,
  });
  if (result.code !== 0) {
    const failure = await conflictFailure(dir, input, `${result.stdout}\n${result.stderr}`);
    await runGit(dir, ['merge', '--abort'], { allowFailure: true });
    await git(dir, ['reset', '--quiet', '--hard', before]);
    throw failure;
  }
  const hook = await runHook(dir, 'pre-merge-commit', [], policy).catch((err: unknown) => {
    throw sandboxFailure(err);
  });
  if (hook && (hook.run.code !== 0 || hook.run.timedOut || hook.run.outputLimited)) {
    await runGit(dir, ['merge', '--abort'], { allowFailure: true });
    await git(dir, ['reset', '--quiet', '--hard', before]);
    const output = trimOutput(`${hook.run.output}\n(pre-merge-commit hook: ${hook.run.verdict})`);
    throw failure(
      FailureClass.HOOK_REJECTED,
      `The pre-merge-commit hook rejected merging task ${input.taskId}: ${output.split('\n')[0] ?? ''}`,
      { output },
    );
  }
  await git(dir, [...WITHOUT_HOOKS, 'commit', '--no-edit', '--file=-', '--cleanup=verbatim'], {
    input: message,
    env: authorEnv,
  });
  return git(dir, ['rev-parse', 'HEAD']);
}

/**
 * Merges the task branch into the build branch of a repository on this machine, in the build branch's
 * own worktree, under the repository's merge lock.
 */
export async function mergeTask(input: MergeTaskInput, policy: SandboxPolicy): Promise<MergeTaskResult> {
  // Other merges (or conflict resolutions) held the lock for the whole wait: merge again later, no attempt used.
  const raced = (err: unknown): MergeTaskResult => {
    if (err instanceof LockTimeoutError) return { mergeCommit: '', raceLost: true };
    throw err;
  };
  return withRepoLock(input.repoPath, async () => {
    if (!(await refExists(input.repoPath, `refs/heads/${input.branch}`)))
      throw failure(
        FailureClass.TASK_BRANCH_MISSING,
        `Task branch "${input.branch}" does not exist in ${input.repoPath}.`,
      );
    const dir = await mergeWorktree(input.repoPath, input.buildId, input.buildBranch);
    const merged = await runGit(dir, ['merge-base', '--is-ancestor', input.branch, 'HEAD'], {
      allowFailure: true,
    });
    if (merged.code === 0) return { mergeCommit: await git(dir, ['rev-parse', 'HEAD']) };
    return { mergeCommit: await mergeInto(dir, input.branch, input, policy) };
  }).catch(raced);
}
