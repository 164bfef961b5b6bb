import { scrubEnv } from '../../lib/child-env';
import { spawn } from 'node:child_process';

/** A git command that exited non-zero (or could not start); carries everything git printed. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${code ?? 'signal'}): ${(stderr || stdout).trim().slice(0, 2000)}`,
    );
    this.name = 'GitError';
  }
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Start from the worker's environment without its secrets: for commands that run the repository's
   * hooks (commit, merge), which may run code the model wrote.
   */
  scrubSecrets?: boolean;
  input?: string;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

/**
 * Runs git without a shell. Prompts are disabled so a credential or editor prompt fails fast instead
 * of hanging an activity forever.
 */
export function runGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: {
        ...(options.scrubSecrets ? scrubEnv(process.env) : process.env),
        ...options.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_EDITOR: 'true',
      },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => reject(new GitError(args, null, '', `could not run git: ${err.message}`)));
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (code !== 0 && !options.allowFailure) reject(new GitError(args, code, stdout, stderr));
      else resolve(result);
    });
    if (child.stdin) {
      // A hook may exit without reading its input; that is its answer, not our error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** Runs git and returns its trimmed stdout. */
export async function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return (await runGit(cwd, args, options)).stdout.trim();
}

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  const r = await runGit(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    allowFailure: true,
  });
  return r.code === 0;
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
