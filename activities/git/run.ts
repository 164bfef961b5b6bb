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
