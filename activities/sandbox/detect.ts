import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../lib/errors';
import { bwrapArgs, HIDDEN_SYSTEM_PATHS, SYSTEM_DIRS } from '../../lib/sandbox/bwrap';

export interface SandboxStatus {
  /** `bwrap` when bubblewrap could start a sandbox on this machine. */
  available: boolean;
  version?: string;
  /** Why not, when unavailable: missing binary, or namespaces refused. */
  reason?: string;
}

/** System folders that exist here, plus node's own install prefix when it lives elsewhere (nvm, asdf). */
export function systemLayout(): { systemDirs: string[]; hiddenFiles: string[]; hiddenDirs: string[] } {
  const systemDirs = SYSTEM_DIRS.filter((d) => existsSync(d));
  const nodePrefix = path.dirname(path.dirname(process.execPath));
  if (!systemDirs.some((d) => nodePrefix === d || nodePrefix.startsWith(`${d}/`)))
    systemDirs.push(nodePrefix);
  const hidden = HIDDEN_SYSTEM_PATHS.filter((p) => existsSync(p));
  const isDir = (p: string) => statSync(p).isDirectory();
  return {
    systemDirs,
    hiddenFiles: hidden.filter((p) => !isDir(p)),
    hiddenDirs: hidden.filter(isDir),
  };
}

/** By PATH: bwrap is looked up on the PATH of the environment asked about. */
const cached = new Map<string, SandboxStatus>();

/**
 * Tries bubblewrap once per process with the very arguments a task's command gets (namespaces, no
 * network, the system layout), so "available" means "a sandboxed command can run here".
 */
export function detectSandbox(env: NodeJS.ProcessEnv = process.env): SandboxStatus {
  const known = cached.get(env.PATH ?? '');
  if (known) return known;
  const status = probeSandbox(env);
  cached.set(env.PATH ?? '', status);
  return status;
}

function probeSandbox(env: NodeJS.ProcessEnv): SandboxStatus {
  // The environment is passed explicitly: bwrap is looked up on the PATH the worker runs with.
  const version = spawnSync('bwrap', ['--version'], { encoding: 'utf8', timeout: 10_000, env });
  if (version.error || version.status !== 0)
    return { available: false, reason: 'bubblewrap (bwrap) is not installed' };
  const dir = mkdtempSync(path.join(tmpdir(), 'br-sandbox-probe-'));
  try {
    const args = bwrapArgs(
      { mounts: { workdir: dir }, network: false, ...systemLayout(), env: { PATH: '/usr/bin:/bin' } },
      ['true'],
    );
    const probe = spawnSync('bwrap', args, { encoding: 'utf8', timeout: 10_000, env });
    return probe.status === 0
      ? { available: true, version: version.stdout.trim() }
      : {
          available: false,
          version: version.stdout.trim(),
          reason: `bubblewrap could not create a sandbox: ${(probe.stderr || probe.error?.message || '').trim()}`,
        };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class SandboxUnavailableError extends UserError {
  constructor(reason: string) {
    super(
      `Refusing to run model-written code without a sandbox: ${reason}. Install bubblewrap ` +
        `(Debian/Ubuntu: apt-get install bubblewrap) and check with "br doctor", or set "agent": { "sandbox": "off" } ` +
        `in buildrunner.config.json to run it with your user's permissions.`,
    );
  }
}
