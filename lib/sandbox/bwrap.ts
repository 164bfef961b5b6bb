import path from 'node:path';
import { SANDBOX_HOME, type SandboxMounts } from './policy';

/**
 * Bubblewrap arguments for one sandboxed command (pure: the caller says which system folders exist).
 *
 * Visible: the system folders read-only (not `/`: no home folders, no other checkouts, no /run, /srv or
 * /work), a fresh /dev and /proc (own pid namespace, so /proc/1 is the sandbox itself), a private /tmp
 * holding the throw-away home, the work folder read-write, and git's folders read-only. Read-only
 * `.git` matters beyond secrecy: git commit and merge run outside the sandbox, so anything the
 * sandboxed code could write into git's config, hooks or the worktree's `.git` pointer would later
 * run unsandboxed.
 */

/** System folders shown read-only when they exist. */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt'];

/** Readable-by-root files in /etc that hold host secrets; hidden even though /etc is shown. */
export const HIDDEN_SYSTEM_PATHS = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/ssh',
  '/etc/ssl/private',
];

export interface BwrapOptions {
  mounts: SandboxMounts;
  network: boolean;
  /** Which of SYSTEM_DIRS / HIDDEN_SYSTEM_PATHS exist, plus extra tool folders (node's install prefix). */
  systemDirs: readonly string[];
  hiddenFiles: readonly string[];
  hiddenDirs: readonly string[];
  env: Record<string, string>;
  /**
   * Size cap of the private /tmp and home (RAM-backed tmpfs): without it, files written there are
   * memory no RLIMIT counts, the one way round the memory limit of a worker without cgroups.
   */
  tmpfsBytes?: number;
}

const inside = (dir: string, p: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export function isVisibleSystemPath(systemDirs: readonly string[], p: string): boolean {
  return systemDirs.some((d) => inside(d, p));
}

export function bwrapArgs(o: BwrapOptions, argv: readonly string[]): string[] {
  const { mounts } = o;
  const args: string[] = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    // A user namespace of the sandbox's own could mount tmpfs file systems without any size cap: memory
    // no RLIMIT counts. bwrap ≥ 0.8 refuses it inside (detect.ts's probe fails clearly on an older one).
    '--unshare-user',
    '--disable-userns',
    ...(o.network ? [] : ['--unshare-net']),
    '--cap-drop',
    'ALL',
    '--hostname',
    'sandbox',
  ];
  for (const d of o.systemDirs) args.push('--ro-bind', d, d);
  for (const f of o.hiddenFiles) args.push('--ro-bind', '/dev/null', f);
  for (const d of o.hiddenDirs) args.push('--tmpfs', d);
  const size = o.tmpfsBytes ? ['--size', String(o.tmpfsBytes)] : [];
  // --dev is a tmpfs of its own without a size (half the RAM): /dev/shm gets the cap too, and /dev
  // itself is made read-only, or files there would hold memory past every limit of a worker without cgroups.
  args.push('--dev', '/dev', ...size, '--tmpfs', '/dev/shm', '--remount-ro', '/dev');
  args.push('--proc', '/proc', ...size, '--tmpfs', '/tmp');
  for (const [source, target] of mounts.readOnly ?? []) args.push('--ro-bind', source, target);
  for (const d of mounts.writable ?? []) args.push('--bind', d, d);
  args.push('--bind', mounts.workdir, mounts.workdir);
  if (mounts.commonGitDir) {
    args.push('--ro-bind', mounts.commonGitDir, mounts.commonGitDir);
    // Other tasks' worktree state (their index, HEAD) is not this task's business.
    const others = path.join(mounts.commonGitDir, 'worktrees');
    if (mounts.gitDir && mounts.gitDir !== mounts.commonGitDir && inside(others, mounts.gitDir))
      args.push('--tmpfs', others);
  }
  if (mounts.gitDir && mounts.gitDir !== mounts.commonGitDir)
    args.push('--ro-bind', mounts.gitDir, mounts.gitDir);
  for (const [source, target] of mounts.gitOverlays ?? []) args.push('--ro-bind', source, target);
  // A linked worktree's `.git` is a file naming its git folder: rewritten, it could point the git that
  // runs outside at a config of the model's choosing.
  if (mounts.gitDir) {
    const pointer = path.join(mounts.workdir, '.git');
    if (!inside(pointer, mounts.gitDir)) args.push('--ro-bind', pointer, pointer);
  }
  // The root is bwrap's own tmpfs (holding mount points): read-only, so a write anywhere else fails
  // loudly instead of landing somewhere that vanishes with the sandbox.
  args.push(...size, '--tmpfs', SANDBOX_HOME, '--remount-ro', '/', '--clearenv');
  for (const [k, v] of Object.entries(o.env)) args.push('--setenv', k, v);
  args.push('--chdir', mounts.workdir, '--', ...argv);
  return args;
}
