import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Database } from '../../lib/db/connection';
import type { RetentionInput, RetentionResult } from '../../lib/contracts';
import { RETENTION_HORIZON } from './rollup';

/**
 * Retention: telemetry events older than the window are appended to a gzipped JSONL archive, the file
 * is fsync'ed, and only then are those rows deleted by id. Each batch is its own gzip member (a
 * concatenation of members is one valid gzip file), so after a crash every deleted row is already in a
 * complete member on disk. An event exactly at the cut-off is kept. Cost rows and rollups are never
 * touched.
 */

export interface ArchivedEvent {
  id: string;
  type: string;
  buildId: string | null;
  taskKey: string | null;
  model: string | null;
  data: unknown;
  occurredAt: string;
  recordedAt: string;
  dedupeKey: string | null;
}

interface Row extends Omit<ArchivedEvent, 'occurredAt' | 'recordedAt'> {
  occurredAt: Date;
  recordedAt: Date;
}

const DAY = 86_400_000;

export function retentionCutoff(now: number, retentionDays: number): Date {
  return new Date(now - retentionDays * DAY);
}

export function archiveFileName(cutoff: Date, runKey: string): string {
  const stamp = cutoff.toISOString().replace(/[:.]/g, '-');
  return `telemetry-before-${stamp}-${runKey.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl.gz`;
}

function appendDurably(file: string, bytes: Buffer): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  // Makes the new file's directory entry durable too; not every platform lets a folder be fsync'ed.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** Reads an archive back: one object per line across every gzip member, in the order written. */
export function readArchive(file: string): ArchivedEvent[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ArchivedEvent);
}

export async function cleanupRetention(
  db: Database,
  input: RetentionInput & { runKey: string; root: string },
): Promise<RetentionResult> {
  const cutoff = retentionCutoff(input.now, input.retentionDays);
  const base = { cutoff: cutoff.toISOString(), dryRun: input.dryRun };
  if (input.dryRun) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "TelemetryEvent" WHERE "occurredAt" < $1`,
      [cutoff],
    );
    return { ...base, eventsArchived: 0, eventsDeleted: row?.n ?? 0, archiveFile: null };
  }
  const dir = path.resolve(input.root, input.archiveDir);
  const file = path.join(dir, archiveFileName(cutoff, input.runKey));
  let archived = 0;
  let deleted = 0;
  let lastId = '0';
  for (;;) {
    const rows = await db.query<Row>(
      `SELECT id::text AS id, type, "buildId", "taskKey", model, data, "occurredAt", "recordedAt", "dedupeKey"
         FROM "TelemetryEvent" WHERE "occurredAt" < $1 AND id > $2::bigint ORDER BY id LIMIT $3`,
      [cutoff, lastId, input.batchSize],
    );
    if (rows.length === 0) break;
    if (archived === 0) {
      mkdirSync(dir, { recursive: true });
      appendDurably(file, Buffer.alloc(0));
      syncDirectory(dir);
    }
    const lines = rows.map((r) =>
      JSON.stringify({
        ...r,
        occurredAt: r.occurredAt.toISOString(),
        recordedAt: r.recordedAt.toISOString(),
      }),
    );
    appendDurably(file, gzipSync(`${lines.join('\n')}\n`));
    archived += rows.length;
    const ids = rows.map((r) => r.id);
    const gone = await db.query<{ n: number }>(
      `WITH d AS (DELETE FROM "TelemetryEvent" WHERE id = ANY($1::bigint[]) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [ids],
    );
    deleted += gone[0]?.n ?? 0;
    lastId = ids[ids.length - 1]!;
  }
  // Tells the rollup which hours no longer have all their raw rows.
  await db.query(
    `INSERT INTO "MaintenanceCursor" (kind, position, "updatedAt") VALUES ($1, $2, now())
     ON CONFLICT (kind) DO UPDATE SET position = GREATEST("MaintenanceCursor".position, EXCLUDED.position), "updatedAt" = now()`,
    [RETENTION_HORIZON, cutoff],
  );
  return { ...base, eventsArchived: archived, eventsDeleted: deleted, archiveFile: archived ? file : null };
}
