import { randomBytes } from 'node:crypto';
import { type Database } from '../../lib/db/connection';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';

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
