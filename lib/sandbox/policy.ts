import type { BuildRunnerConfig } from '../config';

/** How model-written code is run: which sandbox, whether it has the network, its limits and environment. */
export interface SandboxPolicy {
  mode: 'bwrap' | 'off';
  network: boolean;
  memoryMb: number;
  processes: number;
  outputBytes: number;
  fileSizeMb: number;
  /** Total size of the work folder; the command is killed once it grows past this. */
  diskMb: number;
  timeoutSeconds: number;
  /** Worker environment variable names passed through, besides MINIMAL_ENV. */
  passEnv: readonly string[];
}

export function sandboxPolicy(config: BuildRunnerConfig, timeoutSeconds?: number): SandboxPolicy {
  const a = config.agent;
  return {
    mode: a.sandbox,
    network: a.network,
    ...a.limits,
    timeoutSeconds: timeoutSeconds ?? a.commandTimeoutSeconds,
    passEnv: a.env,
  };
}

/** What the sandbox shows of the file system besides the system folders. */
export interface SandboxMounts {
  /** The only writable folder (besides the private /tmp and home). Real path. */
  workdir: string;
  /** Git's folders for `workdir` when it is a checkout: visible read-only so `git status`/`diff` work. */
  gitDir?: string;
  commonGitDir?: string;
  /** Extra read-only [source, target] mounts (a hooks folder outside the repository, BuildRunner's code). */
  readOnly?: readonly (readonly [string, string])[];
  /** Extra writable folders, shown at the same path (a commit message file's folder). */
  writable?: readonly string[];
  /**
   * Files shown read-only over files inside the git folders, mounted after them: a sanitised git
   * config over the real one, /dev/null over a credentials file.
   */
  gitOverlays?: readonly (readonly [string, string])[];
}

/** The throw-away home inside the sandbox: its own tmpfs, outside /tmp so a work folder there cannot hide it. */
export const SANDBOX_HOME = '/sandbox-home';

/** Variables a sandboxed command always gets from the worker when set: locale, terminal, time zone. */
export const MINIMAL_ENV = ['LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TERM', 'TZ'] as const;

/** The default PATH inside the sandbox when the worker's PATH is not passed through. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The sandboxed command's whole environment: an allow-list, never the worker's environment minus a
 * deny-list. PATH keeps only the worker's entries that the sandbox can see (system folders, node's).
 */
export function sandboxEnv(
  source: NodeJS.ProcessEnv,
  passEnv: readonly string[],
  visible: (dir: string) => boolean,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...MINIMAL_ENV, ...passEnv]) {
    const v = source[name];
    if (v !== undefined) env[name] = v;
  }
  const path = (source.PATH ?? '')
    .split(':')
    .filter((d) => d.startsWith('/') && visible(d))
    .join(':');
  env.PATH = passEnv.includes('PATH') ? (source.PATH ?? DEFAULT_PATH) : path || DEFAULT_PATH;
  env.HOME = SANDBOX_HOME;
  env.TMPDIR = '/tmp';
  env.CI = env.CI ?? 'true';
  env.BUILDRUNNER_SANDBOX = '1';
  return env;
}
