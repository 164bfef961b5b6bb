import { randomBytes } from 'node:crypto';
import { openDatabase } from '../activities/db/connection';
import type { Database } from '../lib/db/connection';
import type { BenchResources } from './resources';

export const POSTGRES_URL = process.env.BR_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function onAdmin(sql: string): Promise<void> {
  const admin = await openDatabase({ kind: 'postgres', url: POSTGRES_URL });
  try {
    await admin.exec(sql);
  } finally {
    await admin.close();
  }
}

/**
 * An empty database for one measurement, held by `res`: PGlite in memory, or a fresh schema of the
 * local PostgreSQL (dropped when released).
 */
export async function openBenchDatabase(
  res: BenchResources,
  target: 'postgres' | 'pglite',
): Promise<Database> {
  if (target === 'pglite')
    return res.hold(await openDatabase({ kind: 'pglite', dataDir: null }), (db) => db.close(), 'PGlite');
  const schema = `br_bench_${randomBytes(4).toString('hex')}`;
  res.defer(() => onAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`), `schema ${schema}`);
  await onAdmin(`CREATE SCHEMA "${schema}"`);
  return res.hold(
    await openDatabase({ kind: 'postgres', url: POSTGRES_URL, schema }),
    (db) => db.close(),
    `the connection to schema ${schema}`,
  );
}
