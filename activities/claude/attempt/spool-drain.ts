import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../../lib/db/connection';
import { isDatabaseUnreachable } from '../../../lib/db/unreachable';
import { applyCostWrite, type CostWrite } from '../cost';
import { ownerAlive, parseSpoolName, spoolName, syncDir, thisProcess } from './spool';

/**
 * Writes the spooled cost rows of workers that are gone (spool.ts) to the database, file by file, each
 * file's lines in order. The writes are idempotent by their keys, and a file is replayed whole, so an
 * estimate replayed after its answer already settled it is removed again by the settle that follows it
 * in the same file: replaying a file twice counts nothing twice.
 *
 * Several drainers on one machine (workers starting, record steps) never replay a file at the same time:
 * a drainer claims a dead owner's file by renaming it to a name of its own (atomic; the loser of a race
 * finds it gone), and leaves files of live owners alone (an attempt still running holds its rows in
 * memory as well and writes them itself). A drainer that dies mid-replay leaves its claim behind, a dead
 * owner's file like any other; one that could not reach the database keeps it and tries again next time.
 */

export interface DrainReport {
  /** Files replayed and removed. */
  files: number;
  /** Writes applied (each an estimate or a settle). */
  rows: number;
  /** Lines that could not be read (a line cut short by a kill mid-append), skipped. */
  unreadable: number;
  /** Writes the database refused for a reason other than its absence, skipped so they cannot block the rest. */
  refused: number;
}

/** Drains one process's claims at a time: its own claims are retried by it, never by two of its calls at once. */
const running = new Map<string, Promise<unknown>>();

/** Replays every spool file of `dir` whose owner is gone; throws (leaving the rest claimed) if the database is away. */
export function drainSpool(dir: string, db: Database): Promise<DrainReport> {
  const key = path.resolve(dir);
  const previous = running.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => drainOnce(key, db));
  running.set(key, next);
  void next
    .finally(() => {
      if (running.get(key) === next) running.delete(key);
    })
    .catch(() => undefined);
  return next;
}

async function drainOnce(dir: string, db: Database): Promise<DrainReport> {
  const report: DrainReport = { files: 0, rows: 0, unreadable: 0, refused: 0 };
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const me = thisProcess();
  for (const name of names.sort(byAge)) {
    const owner = parseSpoolName(name);
    if (!owner) continue;
    const mine = owner.pid === me.pid && owner.start === me.start;
    // A live attempt's own file, or another live drainer's claim: not ours to replay.
    if (mine ? !owner.claim : ownerAlive(owner)) continue;
    const claimed = mine ? path.join(dir, name) : await claim(dir, name);
    if (!claimed) continue;
    const { writes, unreadable } = parseSpool(await readFile(claimed, 'utf8'));
    for (const w of writes) {
      try {
        await applyCostWrite(db, w);
        report.rows += 1;
      } catch (err) {
        // The database is away: the claim stays for the next drain. Anything else would refuse this
        // write every time; one bad line must not keep the rest (and every later drain) out.
        if (isDatabaseUnreachable(err)) throw err;
        report.refused += 1;
      }
    }
    await rm(claimed, { force: true });
    report.files += 1;
    report.unreadable += unreadable;
  }
  return report;
}

/** Renames a dead owner's file to a claim of this process; undefined if another drainer got there first. */
export async function claim(dir: string, name: string): Promise<string | undefined> {
  const to = path.join(dir, spoolName(true));
  try {
    await rename(path.join(dir, name), to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  await syncDir(dir);
  return to;
}

/** Oldest writer first (the pid's start time, then its sequence), so an outage's rows go in as they came. */
function byAge(a: string, b: string): number {
  const [pa, sa, na] = a.split('.', 3);
  const [pb, sb, nb] = b.split('.', 3);
  return (
    Number(sa) - Number(sb) ||
    Number(pa) - Number(pb) ||
    Number.parseInt(na!.replace(/^c/, ''), 10) - Number.parseInt(nb!.replace(/^c/, ''), 10)
  );
}

/** The writes of a spool file, in order; lines that do not read as a write (cut short by a kill) are counted, not fatal. */
export function parseSpool(text: string): { writes: CostWrite[]; unreadable: number } {
  const writes: CostWrite[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const w = readWrite(line);
    if (w) writes.push(w);
    else unreadable += 1;
  }
  return { writes, unreadable };
}

function readWrite(line: string): CostWrite | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  const w = v as Partial<CostWrite> | null;
  if (!w || (w.kind !== 'estimate' && w.kind !== 'settle')) return undefined;
  const row = w.row as Record<string, unknown> | undefined;
  if (!row || typeof row.idempotencyKey !== 'string' || typeof row.usd !== 'string') return undefined;
  return w as CostWrite;
}
