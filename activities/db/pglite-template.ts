import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { defaultCacheDir } from '../git/cache-dir';

/**
 * A new embedded database starts from a copy of an empty, initialised cluster instead of running
 * initdb: PGlite's initdb takes about 5 s on 2 cores (10 s under load), loading the cluster from a
 * tarball about 1 s. The tarball is PGlite's own dumpDataDir of a fresh in-memory cluster, cached once
 * per PGlite version in the cache folder ($BR_CACHE_DIR, $XDG_CACHE_HOME/buildrunner or
 * ~/.cache/buildrunner). A tarball that cannot be read or started from is made again; a cache that
 * cannot be written only costs the time it would have saved.
 */

type PGliteClass = typeof PGlite;

let memo: { file: string; blob: Promise<Blob | undefined> } | undefined;

/** `pglite-<version>.tar` in the cache folder; the version from PGlite's package.json. */
export function templateFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), `pglite-${pgliteVersion()}.tar`);
}

function pgliteVersion(): string {
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (name === '@electric-sql/pglite' && version) return version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** The empty cluster's tarball: from the cache, else made now (and cached); undefined if it cannot be made. */
export function emptyCluster(
  PGliteImpl: PGliteClass,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Blob | undefined> {
  const file = templateFile(env);
  if (memo?.file !== file) memo = { file, blob: loadOrMake(PGliteImpl, file) };
  return memo.blob;
}

/** Forget a tarball that a database could not start from, so the next one is made afresh. */
export function discardEmptyCluster(env: NodeJS.ProcessEnv = process.env): void {
  const file = templateFile(env);
  memo = undefined;
  rmSync(file, { force: true });
}

async function loadOrMake(PGliteImpl: PGliteClass, file: string): Promise<Blob | undefined> {
  try {
    if (existsSync(file)) return new Blob([readFileSync(file)]);
  } catch {
    // Unreadable: make a new one below.
  }
  try {
    const fresh = await PGliteImpl.create();
    const blob = await fresh.dumpDataDir('none');
    await fresh.close();
    save(file, new Uint8Array(await blob.arrayBuffer()));
    return blob;
  } catch {
    return undefined;
  }
}

/** Written beside its final name, then renamed: two processes making it at once each leave a whole file. */
function save(file: string, bytes: Uint8Array): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, bytes, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
}

/** A data folder PGlite would initialise: missing, or an empty folder. */
export function isNewDataDir(dataDir: string): boolean {
  try {
    return readdirSync(dataDir).length === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
