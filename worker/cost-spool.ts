import { costSpoolDir } from '../activities/claude/attempt/spool';
import { drainSpool } from '../activities/claude/attempt/spool-drain';
import type { Database } from '../lib/db/connection';

/**
 * At start-up, before polling: the cost rows that a worker killed on this machine while the database was
 * away left in its spool (activities/claude/attempt/spool.ts) are written now that the database answers
 * (the worker has just migrated it), so `br costs` and the budget count those requests without waiting for
 * a task to read its lost try back. Never fatal: what cannot be written now stays for the next drain.
 */
export async function drainCostSpool(
  db: Database,
  cacheDir: string,
  log?: (line: string) => void,
): Promise<void> {
  const dir = costSpoolDir(cacheDir);
  try {
    const r = await drainSpool(dir, db);
    if (r.files > 0)
      log?.(
        `Cost spool ${dir}: wrote ${r.rows} spooled cost row write(s) from ${r.files} file(s) of a stopped worker` +
          (r.unreadable ? `; ${r.unreadable} line(s) cut short were skipped` : '') +
          (r.refused ? `; ${r.refused} write(s) the database refused were skipped` : ''),
      );
  } catch (err) {
    log?.(`Cost spool ${dir}: not drained yet (${String((err as Error).message ?? err).slice(0, 200)})`);
  }
}
