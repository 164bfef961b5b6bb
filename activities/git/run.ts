import { spawn } from 'node:child_process';
import { FailureClass } from '../../lib/failures';
import { scrubEnv } from '../../lib/child-env';
import { failure } from '../failure';
import { git, runGit } from './safe';

export { git, GitError, runGit, type GitOptions, type GitResult } from './safe';

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  const r = await runGit(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    allowFailure: true,
  });
  return r.code === 0;
}

/**
 * `git add --all` without its look into nested repositories: for a gitlink already in the index, `git
 * add` runs `git status` inside the nested repository, whose config the model wrote (a filter driver
 * there would run outside the sandbox, and no `-c` can name every driver). `ls-files` and
 * `update-index` only read the nested repository's HEAD.
 */
export async function stageAll(cwd: string): Promise<void> {
  await refuseGitFifos(cwd);
  const listed = await git(cwd, [
    'ls-files',
    '-z',
    '--modified',
    '--deleted',
    '--others',
    '--exclude-standard',
  ]);
  // An untracked nested repository is listed as "dir/"; update-index adds it as a gitlink, like git add.
  const paths = [
    ...new Set(
      listed
        .split('\0')
        .filter(Boolean)
        .map((p) => p.replace(/\/$/, '')),
    ),
  ];
  if (paths.length)
    await git(cwd, ['update-index', '--add', '--remove', '-z', '--stdin'], {
      input: `${paths.join('\0')}\0`,
    });
}

/**
 * FIFOs where git opens a file by its name while listing or adding: `.gitignore` in every folder
 * (ls-files --others), `.gitattributes` (update-index --add), `.gitmodules`, `.mailmap`. Git opens them
 * without O_NONBLOCK and waits for a writer forever: a sandboxed command's `mkfifo .gitignore` hung the
 * commit step's git for good, and every retry's too. `find` only lists them, opening nothing.
 */
export function gitFifos(cwd: string): Promise<string[]> {
  return new Promise((resolve) => {
    const find = spawn(
      'find',
      ['.', '-type', 'p', '(', '-name', '.git*', '-o', '-name', '.mailmap', ')', '-print0'],
      { cwd, env: scrubEnv(process.env), stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    find.stdout.on('data', (c: Buffer) => {
      if (out.length < 64 * 1024) out += c.toString();
    });
    // Folders find cannot read are folders git cannot read either: nothing there is opened.
    find.on('error', () => resolve([]));
    find.on('close', () => resolve(out.split('\0').filter(Boolean).slice(0, 20)));
  });
}

async function refuseGitFifos(cwd: string): Promise<void> {
  const fifos = await gitFifos(cwd);
  if (!fifos.length) return;
  const list = fifos.map((f) => f.replace(/^\.\//, '')).join(', ');
  throw failure(
    FailureClass.HOOK_REJECTED,
    `The worktree holds named pipes where git reads its own files (${list}); nothing was committed.`,
    {
      output:
        `These are named pipes (FIFOs), not files: ${list}. Git would wait on them forever. ` +
        'Delete them (rm), or make them regular files, and finish the task again.',
    },
  );
}

/** The repository's shared git dir (the same for every worktree), absolute. */
export async function commonGitDir(cwd: string): Promise<string> {
  return git(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
}

/** Keeps the end of long output, where test runners and hooks put the verdict. */
export function trimOutput(text: string, max = 8000): string {
  const t = text.trim();
  if (t.length <= max) return t;
  return `…(${t.length - max} characters cut)…\n${t.slice(t.length - max)}`;
}

export const BUILDRUNNER_AUTHOR = { name: 'BuildRunner', email: 'buildrunner@localhost' };

export const authorEnv: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: BUILDRUNNER_AUTHOR.name,
  GIT_AUTHOR_EMAIL: BUILDRUNNER_AUTHOR.email,
  GIT_COMMITTER_NAME: BUILDRUNNER_AUTHOR.name,
  GIT_COMMITTER_EMAIL: BUILDRUNNER_AUTHOR.email,
};

export function trailers(t: { buildId: string; taskId?: string; model?: string }): string {
  const lines = [`BuildRunner-Build: ${t.buildId}`];
  if (t.taskId) lines.push(`BuildRunner-Task: ${t.taskId}`);
  if (t.model) lines.push(`BuildRunner-Model: ${t.model}`);
  return lines.join('\n');
}
