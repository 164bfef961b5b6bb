import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CACHE_MAX_AGE_MS, pruneCacheDir, type PruneLimits } from './cache-prune';

/**
 * The one-task samples of the large-plan forecast (forecast-large.ts), kept. They are a pure function of
 * the simulate model (its code), the routing, the alert thresholds, the complexity level and the seed,
 * not of the build's progress; simulating them is most of a large forecast's CPU and loads the workflow
 * runtime into a one-shot `br build status` (issue 31). Kept in this process (a watch or dashboard
 * session makes them once) and, for the compiled CLI, on disk under the stamp `npm run build` writes over
 * the compiled model (`$XDG_CACHE_HOME` or `~/.cache`, `buildrunner/forecast`, pruned to DISK_LIMITS at
 * each write). Running from the sources (no stamp) nothing is written to disk. A cache that cannot be read
 * or written is skipped.
 */

export const FORECAST_STAMP_FILE = 'forecast-model.stamp';

export interface LevelSamples {
  makespansMs: number[];
  costsUsd: number[];
}

export interface SampleStore {
  dir: string;
  stamp: string;
}

/** What the samples are made from under dist/: the workflow code, lib/ and the forecast itself. */
const MODEL_SOURCES = ['workflows', 'lib', 'services/forecast.js', 'services/forecast-large.js'];

/** Written by `npm run build` (cli/manifest-gen.ts) into dist/: a hash of the compiled model. */
export function writeForecastStamp(distDir: string): string {
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(`${path.relative(distDir, file)}\0`).update(readFileSync(file));
  const walk = (entry: string) => {
    if (statSync(entry).isFile()) return entry.endsWith('.js') ? add(entry) : undefined;
    for (const name of readdirSync(entry).sort()) walk(path.join(entry, name));
  };
  for (const source of MODEL_SOURCES) walk(path.join(distDir, source));
  const stamp = hash.digest('hex');
  writeFileSync(path.join(distDir, FORECAST_STAMP_FILE), `${stamp}\n`);
  return stamp;
}

/** The disk store of the compiled CLI; none when running from the sources. */
export function forecastStore(env: NodeJS.ProcessEnv): SampleStore | undefined {
  let stamp: string;
  try {
    stamp = readFileSync(path.join(__dirname, '..', FORECAST_STAMP_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!stamp) return undefined;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return { dir: path.join(base, 'buildrunner', 'forecast'), stamp };
}

const kept = new Map<string, Promise<LevelSamples>>();
const KEPT_MAX = 64;

/** One file per key (stamp, settings, level): a build's four levels, for a few dozen settings and stamps. */
export const DISK_LIMITS: PruneLimits = { maxFiles: 256, maxAgeMs: CACHE_MAX_AGE_MS };
const SAMPLE_FILE = /^[0-9a-f]{64}\.json$/;

function valid(x: unknown, n: number): x is LevelSamples {
  const s = x as Partial<LevelSamples> | null;
  const numbers = (a: unknown) =>
    Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  return !!s && numbers(s.makespansMs) && numbers(s.costsUsd);
}

function fromDisk(file: string, n: number): LevelSamples | undefined {
  try {
    if (statSync(file).mode & 0o022) return undefined; // writable by others: not trusted
    const s: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return valid(s, n) ? s : undefined;
  } catch {
    return undefined;
  }
}

function toDisk(dir: string, file: string, s: LevelSamples): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a read-only home: each process simulates them
    return;
  }
  pruneCacheDir(dir, SAMPLE_FILE, DISK_LIMITS);
}

/**
 * The samples for `key` (everything they are made from, JSON-serialisable; `n` of them): kept ones, or
 * `make`'s, then kept.
 */
export function keptSamples(
  key: unknown,
  n: number,
  store: SampleStore | undefined,
  make: () => Promise<LevelSamples>,
): Promise<LevelSamples> {
  const id = createHash('sha256')
    .update(store?.stamp ?? 'sources')
    .update('\0')
    .update(JSON.stringify({ key, n }))
    .digest('hex');
  const inMemory = kept.get(id);
  if (inMemory) return inMemory;
  const file = store ? path.join(store.dir, `${id}.json`) : undefined;
  const made = (async () => {
    const onDisk = file ? fromDisk(file, n) : undefined;
    if (onDisk) return onDisk;
    const s = await make();
    if (store && file) toDisk(store.dir, file, s);
    return s;
  })();
  if (kept.size >= KEPT_MAX) kept.clear();
  kept.set(id, made);
  // A failed simulation is not kept: the next forecast tries again.
  made.catch(() => kept.delete(id));
  return made;
}
