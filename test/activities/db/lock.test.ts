import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../activities/db/connection';
import { DatabaseBusyError } from '../../../activities/db/lock';

describe('the embedded database folder', () => {
  it('refuses a second opener while the first holds it, and reopens after close', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'br-lock-')), 'db');
    const first = await openDatabase({ kind: 'pglite', dataDir });
    await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toBeInstanceOf(DatabaseBusyError);
    await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(/br dev|DATABASE_URL/);
    await first.close();
    const again = await openDatabase({ kind: 'pglite', dataDir });
    await again.close();
    // Two PGlite data folders initialised back to back: over 30 s when the server tests share the 2 cores.
  }, 120_000);

  it('takes over a lock left by a process that no longer exists', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'br-lock-'));
    writeFileSync(path.join(parent, 'db.lock'), '999999');
    const db = await openDatabase({ kind: 'pglite', dataDir: path.join(parent, 'db') });
    await db.close();
  });
});
