import { spawn } from 'node:child_process';

/**
 * The disk quota of a sandboxed command's work folder, enforced by watching: `du` measures the folder
 * (in its own process, so a large tree never blocks the worker's event loop) and the command is killed
 * once the folder is over the quota. It needs no privilege, unlike a loop-mounted file system or
 * project quotas. Between two measurements a command can overshoot by what it writes in that time;
 * RLIMIT_FSIZE still caps each file.
 */

/**
 * Bytes the folders use on disk together (hard links once, symlinks not followed, one file system per
 * folder), or null. Every folder the command can write counts: a scratch folder outside the worktree
 * (the quality gate's) is disk all the same.
 */
export function diskUsage(dirs: string | readonly string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const du = spawn('du', ['-s', '-x', '-B1', '-c', '--', ...[dirs].flat()], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    du.stdout.on('data', (c: Buffer) => (out += c.toString()));
    du.on('error', () => resolve(null));
    // du exits 1 when a file vanished mid-walk (a build deleting its temp files); its total still counts.
    du.on('close', () => {
      const bytes = Number(/^(\d+)\ttotal$/m.exec(out)?.[1]);
      resolve(Number.isFinite(bytes) ? bytes : null);
    });
  });
}

export interface DiskWatch {
  signal: AbortSignal;
  /** Bytes measured when the quota was exceeded, or null while it was not. */
  over(): number | null;
  stop(): void;
}

/** Measures `dirs` about every `intervalMs` (longer when a measurement is slow) until stopped. */
export function watchDisk(dirs: string | readonly string[], quotaBytes: number, intervalMs = 500): DiskWatch {
  const controller = new AbortController();
  let over: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const started = Date.now();
    const used = await diskUsage(dirs);
    if (stopped) return;
    if (used !== null && used > quotaBytes) {
      over = used;
      controller.abort();
      return;
    }
    // A slow walk (a huge node_modules) is not repeated back to back: at most half the time measuring.
    timer = setTimeout(() => void tick(), Math.max(intervalMs, 2 * (Date.now() - started)));
  };
  void tick();
  return {
    signal: controller.signal,
    over: () => over,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
