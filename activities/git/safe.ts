import { spawn, spawnSync } from 'node:child_process';
import { scrubEnv } from '../../lib/child-env';

/**
 * The one way BuildRunner runs git outside the sandbox. The repositories it works on hold files the
 * model wrote (worktrees, nested repositories, the build branch), and git can be made to run programs
 * by what it reads, so every git run here:
 * - runs no hook (the user's hooks run in the sandbox instead: activities/git/hooks.ts);
 * - runs no program a repository could name: no fsmonitor, pager, editor, signing program, external
 *   diff or textconv, or ext:: transport, and never recurses into nested repositories or submodules, whose config (written by
 *   the model) would otherwise be read. `-c` settings reach nested git processes through
 *   GIT_CONFIG_PARAMETERS and override every config file, so they hold there too;
 * - gets the worker's environment without its secrets (child-env.ts), except for the commands that
 *   talk to a remote, which need the user's credentials (ssh agent, credential helpers) and run no
 *   repository code once hooks are off.
 * Tests enforce that activities/, services/ and worker/ never spawn git themselves
 * (test/activities/git/safe.test.ts).
 */
export const HARDENED_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.pager=cat',
  'core.editor=true',
  'sequence.editor=true',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'log.showSignature=false',
  'merge.verifySignatures=false',
  'diff.ignoreSubmodules=all',
  'status.submoduleSummary=false',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  'push.recurseSubmodules=no',
  // A push sends the one ref it names: the user's push.followTags would publish their unpushed tags too.
  'push.followTags=false',
  'protocol.ext.allow=never',
].flatMap((kv) => ['-c', kv]);

/** Commands that would run diff.external or a textconv filter from the config unless told not to. */
const DIFFING = new Set(['diff', 'log', 'show', 'whatchanged']);

/** `args` with --no-ext-diff --no-textconv after a diffing subcommand (git has no config to switch them off). */
export function hardenedArgs(args: readonly string[]): string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) i += args[i] === '-c' || args[i] === '-C' ? 2 : 1;
  const sub = args[i];
  const rest = [...args];
  if (sub && DIFFING.has(sub)) rest.splice(i + 1, 0, '--no-ext-diff', '--no-textconv');
  return [...HARDENED_CONFIG, ...rest];
}

/** Environment variables through which a caller's environment could make git run a program. */
const PROGRAM_VARS = [
  'GIT_EXTERNAL_DIFF',
  'GIT_PAGER',
  'PAGER',
  'GIT_EDITOR',
  'VISUAL',
  'EDITOR',
  'GIT_SEQUENCE_EDITOR',
];

/** A git command that exited non-zero (or could not start); carries everything git printed. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
    readonly tooLarge = false,
    readonly timedOut = false,
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
  input?: string;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** A command that talks to a remote (fetch, push, ls-remote): keeps the credentials it may need. */
  network?: boolean;
  /** Kill git and reject with a GitError whose `tooLarge` is set once it printed more than this. */
  maxOutputBytes?: number;
  /** Kill git and reject with a GitError whose `timedOut` is set when it runs longer (DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
}

/**
 * The longest a git command may run when the caller names no limit. Git blocks for good on some
 * things a model can leave in a worktree (a FIFO where git opens a file without O_NONBLOCK, a file
 * system that never answers); without a limit the activity hangs and each retry leaks another git.
 * Far above any local step here; a clone or fetch of a big repository gets the same half hour.
 */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * The cap when a caller names none. Git's output is one string in the worker, and V8 throws past ~512M
 * characters from inside the stream's handler, which nothing catches: 140,000 empty files under a long
 * folder path the model made (42 MB on disk) had `ls-files --others` kill the whole worker, and its
 * retry the next one. 128 MiB is far above any listing or patch BuildRunner reads.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

export function gitEnv(options: Pick<GitOptions, 'env' | 'network'> = {}): NodeJS.ProcessEnv {
  const env = options.network ? { ...process.env } : scrubEnv(process.env);
  for (const name of PROGRAM_VARS) delete env[name];
  return {
    ...env,
    ...options.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_EDITOR: 'true',
    GIT_SEQUENCE_EDITOR: 'true',
    GIT_PAGER: 'cat',
  };
}

/** Runs git without a shell, hardened as described above; prompts fail fast instead of hanging. */
export function runGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', hardenedArgs(args), {
      cwd,
      env: gitEnv(options),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let printed = 0;
    let tooLarge = false;
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    timer.unref();
    const collect = (into: 'out' | 'err') => (c: Buffer) => {
      printed += c.length;
      if (printed > limit) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      if (into === 'out') stdout += c.toString();
      else stderr += c.toString();
    };
    child.stdout!.on('data', collect('out'));
    child.stderr!.on('data', collect('err'));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new GitError(args, null, '', `could not run git: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut)
        return reject(
          new GitError(
            args,
            code,
            stdout,
            `did not finish within ${timeoutMs / 1000} s; stopped`,
            false,
            true,
          ),
        );
      if (tooLarge) return reject(new GitError(args, code, '', `printed more than ${limit} bytes`, true));
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

/** The synchronous form, for the CLI's short queries (hooks install, init); never for a worker step. */
export function gitSync(cwd: string, args: readonly string[], options: GitOptions = {}): GitResult {
  const r = spawnSync('git', hardenedArgs(args), {
    cwd,
    env: gitEnv(options),
    encoding: 'utf8',
    input: options.input,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const result = { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' };
  if (result.code !== 0 && !options.allowFailure)
    throw new GitError(args, r.status, result.stdout, result.stderr);
  return result;
}

/**
 * core.hooksPath as the repository's config files set it (HARDENED_CONFIG's own value left out), with
 * the scope and origin it came from; null when unset.
 */
export async function configuredHooksPath(
  cwd: string,
): Promise<{ value: string; scope: string; origin: string } | null> {
  const r = await runGit(cwd, ['config', '--show-scope', '--show-origin', '--get-all', 'core.hooksPath'], {
    allowFailure: true,
  });
  return lastFromFiles(r.stdout);
}

export function configuredHooksPathSync(
  cwd: string,
): { value: string; scope: string; origin: string } | null {
  const r = gitSync(cwd, ['config', '--show-scope', '--show-origin', '--get-all', 'core.hooksPath'], {
    allowFailure: true,
  });
  return lastFromFiles(r.stdout);
}

function lastFromFiles(stdout: string): { value: string; scope: string; origin: string } | null {
  const rows = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [scope = '', origin = '', ...rest] = line.split('\t');
      return { scope, origin, value: rest.join('\t') };
    })
    .filter((r) => r.scope !== 'command');
  return rows.at(-1) ?? null;
}
