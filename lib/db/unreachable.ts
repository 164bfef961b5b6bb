/**
 * Whether an error says the database cannot be reached (down, restarting, unreachable), as opposed to a
 * query it refused. The attempt's cost ledger waits such errors out; `br build watch` reads a record
 * step's retry error with it to say the task is waiting for the database.
 */

/** Prisma's and node-postgres' ways of saying the server is not there (down, restarting, unreachable). */
const UNREACHABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  '57P01',
  '57P03',
]);
/**
 * The texts of those errors. "Transaction already closed" is how Prisma's driver adapter reports the
 * implicit transaction of a write (createMany) whose connection went away under it: a clean-clone CI run
 * failed a task on it when the embedded database was served again after an outage. The ledger's writes
 * are idempotent by key, so writing again later is safe whether or not that transaction committed.
 */
const UNREACHABLE_TEXT =
  /Can't reach database server|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|connection (is )?closed|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Server has closed the connection|socket hang up|Transaction already closed/i;

export function isDatabaseUnreachable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; errorCode?: unknown; message?: unknown; cause?: unknown };
  for (const code of [e.code, e.errorCode])
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (typeof e.message === 'string' && UNREACHABLE_TEXT.test(e.message)) return true;
  return isDatabaseUnreachable(e.cause, depth + 1);
}

/** The same judgement on an error's text alone (a failure message as Temporal keeps it). */
export function saysDatabaseUnreachable(text: string): boolean {
  return UNREACHABLE_TEXT.test(text) || /\bP10(01|02|08|17)\b/.test(text);
}
