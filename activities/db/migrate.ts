import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir } from '../paths';
import type { Database, SqlSession } from '../../lib/db/connection';
import { UserError } from '../../lib/errors';

/**
 * Applies the committed Prisma migrations in-process and records them in Prisma's own
 * `_prisma_migrations` table (same columns and sha256 checksums), so `prisma migrate status` agrees.
 * In-process matters: an embedded PGlite folder can be opened by one process only.
 * Migrations are forward-only; recovery is documented in prisma/README.md.
 */

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationState {
  applied: string[];
  pending: string[];
  /** Started but never finished (a crash or a failing statement): needs a person. */
  failed: string[];
  /** Applied, but the committed file has changed since. */
  modified: string[];
  /** Recorded in the database but unknown to this version of BuildRunner (a newer version migrated it). */
  unknown: string[];
}

const LOCK_ID = 72707369; // the advisory lock key Prisma's migrate uses, so both never run at once

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  if (!existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function recorded(db: SqlSession): Promise<Row[] | null> {
  const exists = await db.query<{ present: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`,
  );
  if (!exists[0]?.present) return null;
  return db.query<Row>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
}

export async function migrationState(db: SqlSession, files = readMigrations()): Promise<MigrationState> {
  const rows = ((await recorded(db)) ?? []).filter((r) => r.rolled_back_at === null);
  const byName = new Map(rows.map((r) => [r.migration_name, r]));
  const known = new Set(files.map((f) => f.name));
  const state: MigrationState = { applied: [], pending: [], failed: [], modified: [], unknown: [] };
  for (const file of files) {
    const row = byName.get(file.name);
    if (!row) state.pending.push(file.name);
    else if (row.finished_at === null) state.failed.push(file.name);
    else {
      state.applied.push(file.name);
      if (row.checksum !== file.checksum) state.modified.push(file.name);
    }
  }
  state.unknown = rows.map((r) => r.migration_name).filter((n) => !known.has(n));
  return state;
}

export class MigrationError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Applies every pending migration, each in one transaction together with its bookkeeping row, so a
 * crash leaves either the whole migration or nothing. Returns the names applied (empty = no-op).
 */
export async function migrate(db: Database, files = readMigrations()): Promise<string[]> {
  return db.withSession(async (session) => {
    // Session-level lock: a second `br db migrate` (or `prisma migrate`, or a worker starting at the same
    // moment) waits instead of racing. Taken before the bookkeeping table is created: two concurrent
    // CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog (pg_type unique index).
    await session.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    try {
      await session.exec(CREATE_TABLE);
      const state = await migrationState(session, files);
      if (state.failed.length > 0) {
        throw new MigrationError(
          `Migration ${state.failed[0]} was started by another tool and did not finish. Inspect the database, ` +
            'then follow prisma/README.md ("Recovering from a failed migration") before running `br db migrate` again.',
        );
      }
      const applied: string[] = [];
      for (const file of files.filter((f) => state.pending.includes(f.name))) {
        const record =
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) ` +
          `VALUES (${literal(randomUUID())}, ${literal(file.checksum)}, ${literal(file.name)}, now(), now(), 1);`;
        try {
          await session.exec(`BEGIN;\n${file.sql}\n${record}\nCOMMIT;`);
        } catch (err) {
          await session.exec('ROLLBACK').catch(() => {});
          const reason = err instanceof Error ? err.message : String(err);
          throw new MigrationError(
            `Migration ${file.name} failed and was rolled back, nothing changed: ${reason}`,
          );
        }
        applied.push(file.name);
      }
      return applied;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
    }
  });
}
