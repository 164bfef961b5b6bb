import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Bounds a cache folder of one file per key (the forecast samples, the validated configurations): files
 * older than `maxAgeMs` go, then the oldest (by modification time, i.e. when written) until `maxFiles`
 * are left. Run after a write, which is rare (a miss); only files matching `kept` are counted or
 * removed, plus a writer's temporary files left behind for longer than `maxAgeMs`. Files another process
 * removes meanwhile are passed over; a folder that cannot be read is left as it is.
 */
export interface PruneLimits {
  maxFiles: number;
  maxAgeMs: number;
}

/** A month, and a few hundred files: far more than one machine's distinct keys between two builds. */
export const CACHE_MAX_AGE_MS = 30 * 24 * 3600_000;

const TEMPORARY = /\.\d+\.tmp$/;

export function pruneCacheDir(dir: string, kept: RegExp, limits: PruneLimits, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const files: { file: string; at: number }[] = [];
  for (const name of names) {
    const temporary = TEMPORARY.test(name);
    if (!temporary && !kept.test(name)) continue;
    const file = path.join(dir, name);
    let at: number;
    try {
      at = statSync(file).mtimeMs;
    } catch {
      continue;
    }
    if (now - at > limits.maxAgeMs) remove(file);
    else if (!temporary) files.push({ file, at });
  }
  files.sort((a, b) => a.at - b.at);
  for (const { file } of files.slice(0, Math.max(0, files.length - limits.maxFiles))) remove(file);
}

function remove(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // gone or not ours to remove: the next write tries again
  }
}
