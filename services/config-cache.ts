import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuildRunnerConfig } from '../lib/config';
import { CACHE_MAX_AGE_MS, pruneCacheDir, type PruneLimits } from './cache-prune';

/**
 * Validated configurations kept for the compiled CLI's one-shot commands. Validating
 * buildrunner.config.json loads zod and builds the whole schema: about 130 ms of CPU, more than half of
 * `br costs --json`'s start-up (bench/results-cli-reads.md). The same input validated by the same schema
 * gives the same configuration, so the result is kept under a hash of both: the input loadConfig
 * assembled (file and environment) and the stamp `npm run build` writes over the compiled lib/ (where the
 * schema lives; lib imports only lib). Without a stamp (running from the sources) nothing is cached.
 * Only valid configurations are kept. The fields that may carry a credential (a database URL with its
 * password) are never written: plain strings in the schema, they are put back from the input. The folder
 * is pruned to CONFIG_LIMITS at each write.
 */

export const STAMP_FILE = 'config-schema.stamp';

/** One file per input and stamp: a machine's checkouts and environments, times a few builds of the CLI. */
export const CONFIG_LIMITS: PruneLimits = { maxFiles: 64, maxAgeMs: CACHE_MAX_AGE_MS };
const CONFIG_FILE = /^[0-9a-f]{64}\.json$/;

/** The paths the environment may set (config-file.ts applyEnv), each a plain string in the schema. */
const FROM_INPUT = [
  ['database', 'url'],
  ['temporal', 'address'],
  ['temporal', 'namespace'],
  ['temporal', 'webUiUrl'],
  ['anthropic', 'baseUrl'],
] as const;

type Json = Record<string, unknown>;

/** Written by `npm run build` (cli/manifest-gen.ts): a hash of every compiled module under lib/. */
export function writeSchemaStamp(libDir: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.js'))
        hash.update(`${path.relative(libDir, file)}\0`).update(readFileSync(file));
    }
  };
  walk(libDir);
  hash.update(readFileSync(require.resolve('zod/package.json')));
  const stamp = hash.digest('hex');
  writeFileSync(path.join(libDir, STAMP_FILE), `${stamp}\n`);
  return stamp;
}

export function readSchemaStamp(libDir = path.join(__dirname, '..', 'lib')): string | null {
  try {
    return readFileSync(path.join(libDir, STAMP_FILE), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export function configCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'buildrunner', 'config');
}

function at(obj: Json, [section, key]: readonly [string, string]): unknown {
  const s = obj[section];
  return s && typeof s === 'object' ? (s as Json)[key] : undefined;
}

/**
 * The configuration for this input: from the cache when this schema validated it before, else from
 * `parse` (which throws on an invalid one, never cached), then kept. A cache that cannot be read or
 * written is skipped.
 */
export function cachedConfig(
  input: Json,
  source: string,
  options: { stamp: string; dir: string },
  parse: () => BuildRunnerConfig,
): BuildRunnerConfig {
  const key = createHash('sha256').update(options.stamp).update('\0').update(source).update('\0');
  const file = path.join(options.dir, `${key.update(JSON.stringify(input)).digest('hex')}.json`);
  try {
    if (statSync(file).mode & 0o077) throw new Error('readable by others: not trusted');
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Json;
    for (const p of FROM_INPUT) {
      const value = at(input, p);
      if (value !== undefined) (kept[p[0]] as Json)[p[1]] = value;
    }
    return kept as unknown as BuildRunnerConfig;
  } catch {
    // not cached yet (or unreadable): validate
  }
  const config = parse();
  try {
    const copy = JSON.parse(JSON.stringify(config)) as Json;
    for (const p of FROM_INPUT) {
      const value = at(input, p);
      if (value === undefined) continue;
      if (at(copy, p) !== value) return config; // the schema changed it: not safe to put back, not kept
      delete (copy[p[0]] as Json)[p[1]];
    }
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(copy), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a read-only home: every run validates
    return config;
  }
  pruneCacheDir(options.dir, CONFIG_FILE, CONFIG_LIMITS);
  return config;
}
