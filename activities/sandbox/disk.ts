import { spawn } from 'node:child_process';

/**
 * The disk quota of a sandboxed command's work folder, enforced by watching: `du` measures the folder
 * (in its own process, so a large tree never blocks the worker's event loop) and the command is killed
 * once the folder is over the quota. It needs no privilege, unlike a loop-mounted file system or
 * project quotas. Between two measurements a command can overshoot by what it writes in that time;
 * RLIMIT_FSIZE still caps each file.
 *
 * `du` runs as the worker's user, the same user as the sandboxed command: a worker that is not root
 * cannot look into a folder the command made unreadable (`chmod 000`), so a measurement that could not
 * read everything is never taken as "under the quota".
 */
export interface DiskUsage {
  /** Bytes counted; a floor when `unreadable` is set. */
  bytes: number;
  /** What du could not read or measure (its own message), when the count is incomplete. */
  unreadable?: string;
}

/** du's message for a file or folder that vanished mid-walk (a build deleting its temp files): harmless. */
const VANISHED = /No such file or directory$/;

/**
 * Bytes the folders use on disk together (hard links once, symlinks not followed, one file system per
 * folder). Every folder the command can write counts: a scratch folder outside the worktree (the
 * quality gate's) is disk all the same.
 */
export function diskUsage(dirs: string | readonly string[]): Promise<DiskUsage> {
  return new Promise((resolve) => {
    const du = spawn('du', ['-s', '-x', '-B1', '-c', '--', ...[dirs].flat()], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // English messages, so a vanished file can be told from a folder it may not read.
      env: { ...process.env, LC_ALL: 'C' },
    });
    let out = '';
    let err = '';
    let unreadable: string | undefined;
    du.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // Only the first unreadable part is kept: a folder of a million unreadable entries stays cheap.
    du.stderr.on('data', (c: Buffer) => {
      if (unreadable) return;
      err += c.toString();
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      unreadable = lines.find((l) => l.trim() && !VANISHED.test(l));
    });
    du.on('error', (e) => resolve({ bytes: 0, unreadable: `du could not run (${e.message})` }));
    // du exits 1 when a file vanished mid-walk; its total still counts.
    du.on('close', () => {
      if (!unreadable && err.trim() && !VANISHED.test(err.trim())) unreadable = err.trim();
      const why = unreadable?.replace(/^du: /, '');
      const bytes = Number(/^(\d+)\ttotal$/m.exec(out)?.[1]);
      if (!Number.isFinite(bytes)) resolve({ bytes: 0, unreadable: why ?? 'du printed no total' });
      else resolve({ bytes, ...(why ? { unreadable: why } : {}) });
    });
  });
}

export interface DiskWatch {
  signal: AbortSignal;
  /** The measurement that stopped the command (over the quota, or incomplete), or null while none did. */
  tripped(): DiskUsage | null;
  stop(): void;
}

/** Whether a measurement stops the command: over the quota, or unable to see everything. */
export function overQuota(used: DiskUsage, quotaBytes: number): boolean {
  return used.unreadable !== undefined || used.bytes > quotaBytes;
}

/** Measures `dirs` about every `intervalMs` (longer when a measurement is slow) until stopped. */
export function watchDisk(dirs: string | readonly string[], quotaBytes: number, intervalMs = 500): DiskWatch {
  const controller = new AbortController();
  let tripped: DiskUsage | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const started = Date.now();
    const used = await diskUsage(dirs);
    if (stopped) return;
    if (overQuota(used, quotaBytes)) {
      tripped = used;
      controller.abort();
      return;
    }
    // A slow walk (a huge node_modules) is not repeated back to back: at most half the time measuring.
    timer = setTimeout(() => void tick(), Math.max(intervalMs, 2 * (Date.now() - started)));
  };
  void tick();
  return {
    signal: controller.signal,
    tripped: () => tripped,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
