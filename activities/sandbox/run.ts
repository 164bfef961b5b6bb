import { existsSync, realpathSync } from 'node:fs';
import { runArgv, type CommandRun } from '../command';
import { bwrapArgs, isVisibleSystemPath } from '../../lib/sandbox/bwrap';
import { sandboxEnv, type SandboxMounts, type SandboxPolicy } from '../../lib/sandbox/policy';
import { redactSecrets, secretValuesOf } from '../../lib/secrets/redact';
import { runGit } from '../git/run';
import { createCgroup } from './cgroup';
import { diskUsage, overQuota, watchDisk, type DiskUsage } from './disk';
import { gitOverlays, type GitOverlays } from './gitconfig';
import { detectSandbox, SandboxUnavailableError, systemLayout } from './detect';

export interface SandboxRun extends CommandRun {
  /** `bwrap`, or `off` when the user turned the sandbox off. */
  sandbox: 'bwrap' | 'off';
  /** How processes and memory were limited. */
  limits: 'cgroup-v1' | 'cgroup-v2' | 'rlimit';
  processLimited?: boolean;
  memoryLimited?: boolean;
  /** Killed because the work folder grew past `diskMb`; how big it was then. */
  diskLimited?: boolean;
  diskUsedMb?: number;
  /**
   * Stopped because part of the folders could not be measured (a folder the command made unreadable,
   * `chmod 000`, hides its size from a worker that is not root): du's message, paths relative.
   */
  diskUnreadable?: string;
  /** One line for a tool result or failure: exit code, or which limit stopped the command. */
  verdict: string;
}

/** The folders git needs, when `workdir` is the top of a checkout (a linked worktree or a main one). */
export async function gitMounts(workdir: string): Promise<Pick<SandboxMounts, 'gitDir' | 'commonGitDir'>> {
  const r = await runGit(
    workdir,
    ['rev-parse', '--path-format=absolute', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'],
    { allowFailure: true },
  );
  const [top, gitDir, common] = r.stdout.trim().split('\n');
  if (r.code !== 0 || !top || !gitDir || !common || realpathSync(top) !== workdir) return {};
  return { gitDir: realpathSync(gitDir), commonGitDir: realpathSync(common) };
}

export interface SandboxRequest {
  argv: readonly string[];
  /** The work folder: the only writable place, and where the command starts. */
  dir: string;
  policy: SandboxPolicy;
  /** Extra variables set inside (hook arguments such as GIT_INDEX_FILE), never from the worker. */
  env?: Record<string, string>;
  readOnly?: SandboxMounts['readOnly'];
  writable?: SandboxMounts['writable'];
  /** The worker's environment: the source of the allow-listed names and of the values to mask. */
  workerEnv?: NodeJS.ProcessEnv;
  /** false: rlimits only, as for a worker that is not root and has no delegated cgroups (tests). */
  cgroups?: boolean;
}

function verdictOf(run: SandboxRun | Omit<SandboxRun, 'verdict'>, policy: SandboxPolicy): string {
  const forkBomb = run.processLimited ? `; the limit of ${policy.processes} processes was reached` : '';
  if (run.timedOut) return `timed out after ${policy.timeoutSeconds}s (time limit)${forkBomb}`;
  if (run.outputLimited) return `killed: printed more than ${policy.outputBytes} bytes (output limit)`;
  if (run.diskUnreadable)
    return (
      `refused: the disk quota of ${policy.diskMb} MB (agent.limits.diskMb) cannot be checked: ${run.diskUnreadable}. ` +
      'Give the folders in the worktree back read and search permission (chmod -R u+rwX on that path) or delete it, then run the command again'
    );
  if (run.diskLimited)
    return `killed: the worktree grew to ${run.diskUsedMb} MB, over the disk quota of ${policy.diskMb} MB (agent.limits.diskMb)`;
  if (run.memoryLimited)
    return run.limits === 'rlimit'
      ? `failed: memory limit of ${policy.memoryMb} MB per process reached (RLIMIT_DATA; agent.limits.memoryMb)`
      : `killed: memory limit of ${policy.memoryMb} MB reached`;
  return `exited with code ${run.code ?? 'null (killed)'}${run.code !== 0 ? forkBomb : ''}`;
}

/**
 * Runs one model-written command the way every task command runs: in bubblewrap (refused when it is
 * unavailable, unless the policy says "off"), with an allow-listed environment, time, output, process,
 * memory and file-size limits, and its output masked of secrets before anyone sees it.
 */
export async function runInSandbox(req: SandboxRequest): Promise<SandboxRun> {
  const { policy } = req;
  const workerEnv = req.workerEnv ?? process.env;
  const workdir = realpathSync(req.dir);
  const layout = systemLayout();
  const env = {
    ...sandboxEnv(workerEnv, policy.passEnv, (d) => isVisibleSystemPath(layout.systemDirs, d)),
    ...req.env,
  };
  let argv = [...req.argv];
  let overlays: GitOverlays | undefined;
  if (policy.mode === 'bwrap') {
    const status = detectSandbox(workerEnv);
    if (!status.available) throw new SandboxUnavailableError(status.reason ?? 'bubblewrap is unavailable');
    const git = await gitMounts(workdir);
    overlays = await gitOverlays(git);
    const mounts: SandboxMounts = {
      workdir,
      ...git,
      readOnly: req.readOnly,
      writable: req.writable,
      gitOverlays: overlays.overlays,
    };
    const tmpfsBytes = policy.memoryMb * 1024 * 1024;
    argv = ['bwrap', ...bwrapArgs({ mounts, network: policy.network, ...layout, env, tmpfsBytes }, argv)];
  }
  try {
    return await runConfined(req, workdir, env, argv);
  } finally {
    overlays?.release();
  }
}

async function runConfined(
  req: SandboxRequest,
  workdir: string,
  env: Record<string, string>,
  argv: string[],
): Promise<SandboxRun> {
  const { policy } = req;
  const workerEnv = req.workerEnv ?? process.env;
  const made = req.cgroups === false ? { cgroup: null, reason: 'not asked for' } : createCgroup(policy);
  // RLIMIT_NPROC binds only non-root workers; the cgroup (when made) binds everyone.
  const rlimits = [
    `--nproc=${policy.processes}`,
    `--fsize=${policy.fileSizeMb * 1024 * 1024}`,
    '--core=0',
    '--nofile=4096',
    // Without a cgroup, memory is limited per process by RLIMIT_DATA, not RLIMIT_AS: V8 reserves
    // gigabytes of address space it never touches, so node cannot even start under an address-space
    // limit, while RLIMIT_DATA counts only writable private memory (the heap, buffers, anonymous maps).
    ...(made.cgroup ? [] : [`--data=${policy.memoryMb * 1024 * 1024}`]),
  ];
  const prefix = existsSync('/usr/bin/prlimit') ? ['/usr/bin/prlimit', ...rlimits, '--'] : [];
  const join = made.cgroup ? made.cgroup.procsFiles.join(':') : '';
  const written = [workdir, ...(req.writable ?? [])];
  const quota = policy.diskMb * 1024 * 1024;
  const disk = watchDisk(written, quota);
  let diskUsed: DiskUsage | null = null;
  // The first process joins the cgroup before it execs anything, so nothing it starts escapes the limits.
  let hits = { processes: false, memory: false };
  const script = 'IFS=:; for f in $1; do echo $$ > "$f" || exit 125; done; shift; exec "$@"';
  const run = await runArgv(['/bin/sh', '-c', script, 'br-sandbox', join, ...prefix, ...argv], {
    cwd: workdir,
    timeoutSeconds: policy.timeoutSeconds,
    // bwrap itself (pid 1 of the sandbox, whose /proc/1/environ is readable inside) gets the same environment.
    env,
    maxOutputBytes: policy.outputBytes,
    signal: disk.signal,
    afterExit: async () => {
      disk.stop();
      // Measured once more at the end: a command that wrote fast and exited between two looks is caught too.
      const after = disk.tripped() ?? (await diskUsage(written));
      if (overQuota(after, quota)) diskUsed = after;
      if (!made.cgroup) return;
      hits = made.cgroup.hits();
      await made.cgroup.release();
    },
  });
  const output = redactSecrets(run.output, secretValuesOf(workerEnv));
  const rlimitMemory = !made.cgroup && run.code !== 0 && OUT_OF_MEMORY.test(output);
  const result = {
    ...run,
    output,
    sandbox: policy.mode,
    limits: made.cgroup ? made.kind : ('rlimit' as const),
    ...(hits.processes ? { processLimited: true } : {}),
    ...(hits.memory || rlimitMemory ? { memoryLimited: true } : {}),
    ...diskVerdictFields(diskUsed, workdir),
  };
  return { ...result, verdict: verdictOf(result, policy) };
}

function diskVerdictFields(used: DiskUsage | null, workdir: string): Partial<SandboxRun> {
  if (used === null) return {};
  if (used.unreadable !== undefined) return { diskUnreadable: used.unreadable.split(`${workdir}/`).join('') };
  return { diskLimited: true, diskUsedMb: Math.ceil(used.bytes / 2 ** 20) };
}

/**
 * How runtimes report a refused allocation (node, V8, Python, C++, glibc, the JVM): under RLIMIT_DATA
 * nothing is killed from outside, the process fails its own allocation and says so.
 */
const OUT_OF_MEMORY =
  /JavaScript heap out of memory|Array buffer allocation failed|Fatal process out of memory|Fatal process OOM|MemoryError|std::bad_alloc|Cannot allocate memory|OutOfMemoryError|out of memory/i;
