import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive } from '../lib/process';
import { UserError } from '../lib/errors';

/**
 * `.buildrunner/dev.json`: which process runs `br dev` in this folder and where its services listen, so a
 * second `br dev` says the stack is already running instead of fighting over ports and the database.
 */
export interface DevLock {
  pid: number;
  temporalAddress: string;
  /** Absent when the stack uses an existing Temporal (TEMPORAL_ADDRESS) whose UI is not configured. */
  webUiUrl?: string;
  /** The frontend's HTTP API, when `br dev` started the server (services/temporal-http.ts). */
  temporalHttpAddress?: string;
  temporalPid?: number;
  /** The process that stops the Temporal server if `br dev` dies without doing so (SIGKILL). */
  watchdogPid?: number;
}

export function devLockFile(root: string): string {
  return path.join(root, '.buildrunner', 'dev.json');
}

/** The live `br dev` stack of this folder, or null (none, or its process is gone). */
export function runningDevStack(root: string): DevLock | null {
  const file = devLockFile(root);
  if (!existsSync(file)) return null;
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as DevLock;
    return alive(lock.pid) ? lock : null;
  } catch {
    return null;
  }
}

/** Throws when a live `br dev` holds this folder; a lock left by a dead one is ignored. */
export function assertNoRunningStack(root: string): void {
  const file = devLockFile(root);
  if (!existsSync(file)) return;
  let lock: DevLock;
  try {
    lock = JSON.parse(readFileSync(file, 'utf8')) as DevLock;
  } catch {
    return;
  }
  if (lock.pid === process.pid || !alive(lock.pid)) return;
  throw new UserError(
    `The BuildRunner stack is already running here (br dev, pid ${lock.pid}): Temporal ${lock.temporalAddress}, ` +
      `Web UI ${lock.webUiUrl ?? 'unknown'}.\nUse it from this terminal (br build start …), or stop it with Ctrl-C where it runs.`,
  );
}

export function writeDevLock(root: string, lock: DevLock): () => void {
  const file = devLockFile(root);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  return () => rmSync(file, { force: true });
}
