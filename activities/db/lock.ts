import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../lib/errors';

/** PGlite has no cross-process locking, and two processes opening one data folder corrupt it. */
export class DatabaseBusyError extends UserError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database at ${dataDir} is open in another process (pid ${pid}). ` +
        'Stop that process, or run `br dev` and let every process connect through it, or set DATABASE_URL.',
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock file or throws DatabaseBusyError; returns the release function. */
export function acquireDataDirLock(dataDir: string): () => Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => {
        rmSync(lockFile, { force: true });
        return Promise.resolve();
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isFinite(holder) && isAlive(holder)) {
        throw new DatabaseBusyError(dataDir, holder);
      }
      // Left behind by a process that died: take it over.
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}
