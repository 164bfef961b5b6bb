import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StartSummary } from './build-backend';
import type { ServiceContext } from './context';

/**
 * Idempotent starts for clients that retry: the same spec and base already give the same build (the
 * workflow id is derived from them). A client key adds the other half: a retried request with the same
 * key returns the build it started the first time, even if the spec was edited in between. Keys live in
 * the repository's `.buildrunner/` folder, so they survive a restart of whatever front end recorded them.
 */
export const CLIENT_KEYS_FILE = '.buildrunner/client-keys.json';

type KeyRecord = Omit<StartSummary, 'attached' | 'state' | 'outcome' | 'next'>;
type KeyStore = Record<string, KeyRecord>;

/**
 * Keys are the caller's strings: the store has no prototype, so `constructor`, `toString` or `__proto__`
 * are keys like any other, never Object.prototype's members.
 */
function readKeys(file: string): KeyStore {
  const store = Object.create(null) as KeyStore;
  if (!existsSync(file)) return store;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.assign(store, parsed)
      : store;
  } catch {
    // A damaged key file only loses the key shortcut: the same spec still attaches by workflow id.
    return store;
  }
}

export function knownClientKey(ctx: ServiceContext, key: string): KeyRecord | undefined {
  return readKeys(path.join(ctx.root, CLIENT_KEYS_FILE))[key];
}

export function rememberClientKey(ctx: ServiceContext, key: string, summary: StartSummary): void {
  const file = path.join(ctx.root, CLIENT_KEYS_FILE);
  const keys = readKeys(file);
  const { attached: _a, state: _s, outcome: _o, next: _n, ...record } = summary;
  keys[key] = record;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(keys, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
