import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Database } from '../../lib/db/connection';
import { openDatabase } from '../../activities/db/connection';
import { migrate, readMigrations } from '../../activities/db/migrate';
import { templateFile } from '../../activities/db/pglite-template';

/**
 * Database targets for tests: embedded PGlite always; a real PostgreSQL too when BR_TEST_POSTGRES_URL
 * is set (`.ci/run` sets it). Each test database is private: an in-memory PGlite, or a fresh schema
 * that is dropped afterwards.
 */
export type TestTarget = 'pglite' | 'postgres';

export const postgresUrl = process.env.BR_TEST_POSTGRES_URL;

export const testTargets: TestTarget[] = postgresUrl ? ['pglite', 'postgres'] : ['pglite'];

if (!postgresUrl && !process.env.BR_TEST_QUIET_SKIPS) {
  process.env.BR_TEST_QUIET_SKIPS = '1';
  console.warn(
    'BR_TEST_POSTGRES_URL is not set: database tests run on embedded PGlite only (PostgreSQL skipped).',
  );
}

export interface TestDatabase extends Database {
  readonly schema?: string;
}

export async function createTestDatabase(
  target: TestTarget,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let db: Database;
  let schema: string | undefined;
  if (target === 'pglite') {
    // Migrated: from a cached migrated cluster, which spares each file its first migration (about 0.6 s
    // of CPU under jest) and each later database about 0.1 s. A cache it cannot start from is dropped, and
    // this database made the slow way.
    if (options.migrate !== false) {
      const cluster = migratedCluster();
      try {
        return await openDatabase({ kind: 'pglite', dataDir: null }, { startFrom: await cluster.blob });
      } catch {
        migrated = undefined;
        rmSync(cluster.file, { force: true });
      }
    }
    db = await openDatabase({ kind: 'pglite', dataDir: null });
  } else {
    if (!postgresUrl) throw new Error('BR_TEST_POSTGRES_URL is not set');
    schema = `br_test_${randomBytes(6).toString('hex')}`;
    const admin = await openDatabase({ kind: 'postgres', url: postgresUrl });
    await admin.exec(`CREATE SCHEMA "${schema}"`);
    await admin.close();
    db = await openDatabase({ kind: 'postgres', url: postgresUrl, schema });
  }
  if (options.migrate !== false) await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(Object.create(db) as Database, {
    schema,
    close: async () => {
      await close();
      if (schema && postgresUrl) {
        const admin = await openDatabase({ kind: 'postgres', url: postgresUrl });
        await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.close();
      }
    },
  });
}

/**
 * Empties every table of a migrated test database but the migration record, its sequences restarted: the
 * database as createTestDatabase made it, without opening another (an embedded one costs about a second
 * of CPU to open, then a migration). For files whose tests each want an empty database.
 */
export async function emptyTestDatabase(db: Database): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
     WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  if (tables.length === 0) return;
  await db.exec(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * An embedded cluster with every migration applied, as a PGlite tarball: made once (an empty database,
 * migrated, dumped) and cached beside PGlite's empty-cluster template, named by the migrations it holds,
 * so a changed or added migration makes a new one.
 */
let migrated: { file: string; blob: Promise<Blob> } | undefined;

function migratedCluster(): { file: string; blob: Promise<Blob> } {
  const files = readMigrations();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.name}\0${f.checksum}\0`);
  const file = templateFile().replace(/\.tar$/, `-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
  if (migrated?.file !== file) migrated = { file, blob: loadOrMakeMigrated(file) };
  return migrated;
}

async function loadOrMakeMigrated(file: string): Promise<Blob> {
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    await migrate(db);
    // Checkpointed, so a database started from it has no WAL to replay.
    await db.exec('CHECKPOINT');
    const blob = await db.pglite!.dumpDataDir('none');
    // Written beside its final name, then renamed: two workers making it at once each leave a whole file.
    const temp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(temp, new Uint8Array(await blob.arrayBuffer()), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      rmSync(temp, { force: true });
    }
    return blob;
  } finally {
    await db.close();
  }
}
