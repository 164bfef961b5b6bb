import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Process and memory limits through cgroups (v1 `pids` + `memory` controllers, or v2 with both enabled)
 * where the worker may create them. RLIMIT_NPROC does not bind a root worker, so a fork bomb is only
 * contained by a cgroup there; where none can be made the sandbox falls back to rlimits and says so.
 */

const ROOT = '/sys/fs/cgroup';

export interface SandboxCgroup {
  /** `cgroup.procs` files the sandbox's first process writes its pid into before it execs bwrap. */
  procsFiles: string[];
  /** What the limits hit while the command ran. */
  hits(): { processes: boolean; memory: boolean };
  /** Kills whatever is left in the groups and removes them. */
  release(): Promise<void>;
}

function ownPath(controller: string): string | null {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, p] = line.split(':');
    if (controllers !== undefined && p !== undefined && controllers.split(',').includes(controller)) return p;
  }
  return null;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function v1Group(controller: string, name: string): string | null {
  const mine = ownPath(controller);
  const base = path.join(ROOT, controller);
  if (mine === null || !existsSync(path.join(base, 'cgroup.procs'))) return null;
  const dir = path.join(base, mine, name);
  mkdirSync(dir);
  return dir;
}

function makeV1(limits: { processes: number; memoryMb: number }, name: string): SandboxCgroup {
  const created: string[] = [];
  try {
    const pids = v1Group('pids', name);
    if (!pids) throw new Error('no pids controller');
    created.push(pids);
    writeFileSync(path.join(pids, 'pids.max'), String(limits.processes));
    const memory = v1Group('memory', name);
    if (!memory) throw new Error('no memory controller');
    created.push(memory);
    const bytes = String(limits.memoryMb * 1024 * 1024);
    writeFileSync(path.join(memory, 'memory.limit_in_bytes'), bytes);
    // Swap counts too where swap accounting exists; without it the limit is RAM only.
    if (existsSync(path.join(memory, 'memory.memsw.limit_in_bytes')))
      writeFileSync(path.join(memory, 'memory.memsw.limit_in_bytes'), bytes);
    return {
      procsFiles: created.map((d) => path.join(d, 'cgroup.procs')),
      hits: () => ({
        processes: /max [1-9]/.test(read(path.join(pids, 'pids.events'))),
        memory: /oom_kill [1-9]/.test(read(path.join(memory, 'memory.oom_control'))),
      }),
      release: () => releaseAll(created),
    };
  } catch (err) {
    void releaseAll(created);
    throw err;
  }
}

function makeV2(limits: { processes: number; memoryMb: number }, name: string): SandboxCgroup {
  const mine = ownPath('');
  if (mine === null) throw new Error('no cgroup v2 path');
  const parent = path.join(ROOT, mine);
  const enabled = read(path.join(parent, 'cgroup.subtree_control')).split(/\s+/);
  if (!enabled.includes('pids') || !enabled.includes('memory')) throw new Error('pids/memory not delegated');
  const dir = path.join(parent, name);
  mkdirSync(dir);
  try {
    writeFileSync(path.join(dir, 'pids.max'), String(limits.processes));
    writeFileSync(path.join(dir, 'memory.max'), String(limits.memoryMb * 1024 * 1024));
    writeFileSync(path.join(dir, 'memory.swap.max'), '0');
  } catch (err) {
    void releaseAll([dir]);
    throw err;
  }
  return {
    procsFiles: [path.join(dir, 'cgroup.procs')],
    hits: () => ({
      processes: /max [1-9]/.test(read(path.join(dir, 'pids.events'))),
      memory: /oom_kill [1-9]/.test(read(path.join(dir, 'memory.events'))),
    }),
    release: () => releaseAll([dir]),
  };
}

async function releaseAll(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (let i = 0; i < 50 && existsSync(dir); i++) {
      for (const pid of read(path.join(dir, 'cgroup.procs')).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}

/** A fresh cgroup with the limits, or null (with the reason) where the worker cannot make one. */
export function createCgroup(limits: {
  processes: number;
  memoryMb: number;
}): { cgroup: SandboxCgroup; kind: 'cgroup-v1' | 'cgroup-v2' } | { cgroup: null; reason: string } {
  const name = `buildrunner-sandbox-${randomBytes(6).toString('hex')}`;
  const v2 = existsSync(path.join(ROOT, 'cgroup.controllers'));
  try {
    return v2
      ? { cgroup: makeV2(limits, name), kind: 'cgroup-v2' }
      : { cgroup: makeV1(limits, name), kind: 'cgroup-v1' };
  } catch (err) {
    return { cgroup: null, reason: (err as Error).message };
  }
}
