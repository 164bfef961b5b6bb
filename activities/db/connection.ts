import { rmSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { redactUrl, type Database, type DatabaseTarget } from '../../lib/db/connection';
import { discardEmptyCluster, emptyCluster, isNewDataDir } from './pglite-template';

/** Opening the database (lib/db/connection holds its types): embedded PGlite, locked to this process, or PostgreSQL. */

const SAFE_SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

type PrismaClient = import('@prisma/client').PrismaClient;

/**
 * The Prisma client, made on first use: loading it costs more than a plain SQL reader needs (`br costs`
 * answers with one query), so a connection that never touches `db.prisma` never loads it.
 */
function lazyPrisma(make: () => PrismaClient): { get(): PrismaClient; disconnect(): Promise<void> } {
  let client: PrismaClient | undefined;
  return {
    get: () => (client ??= make()),
    disconnect: async () => {
      await client?.$disconnect();
    },
  };
}

function prismaClientClass(): typeof import('@prisma/client').PrismaClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@prisma/client') as typeof import('@prisma/client')).PrismaClient;
}

/**
 * `readOnly` makes the server refuse every write in this connection's transactions
 * (default_transaction_read_only), so a reader such as the dashboard cannot change data even by mistake.
 * `startFrom`: a new embedded database starts from this cluster (a PGlite dumpDataDir tarball) instead of
 * the empty one; tests start from a migrated one.
 */
export async function openDatabase(
  target: DatabaseTarget,
  options: { readOnly?: boolean; startFrom?: Blob } = {},
): Promise<Database> {
  const readOnly = options.readOnly ?? false;
  return target.kind === 'pglite'
    ? openPglite(target.dataDir, readOnly, options.startFrom)
    : openPostgres(target.url, target.schema, readOnly);
}

async function openPglite(dataDir: string | null, readOnly: boolean, startFrom?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const release = dataDir ? (await import('./lock')).acquireDataDirLock(dataDir) : () => Promise.resolve();
  let pglite: InstanceType<typeof PGlite>;
  try {
    pglite = await createPglite(PGlite, dataDir, startFrom);
  } catch (err) {
    await release();
    throw err;
  }
  // PGlite is one session, so a session setting covers Prisma's queries as well.
  if (readOnly) await pglite.exec('SET default_transaction_read_only = on');
  const prisma = lazyPrisma(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaPGlite } = require('pglite-prisma-adapter') as typeof import('pglite-prisma-adapter');
    // pglite-prisma-adapter 0.6 is typed against an older @prisma/driver-adapter-utils; the wire contract is
    // the same (migrations and queries are tested on it), only the declaration files differ.
    const adapter = new PrismaPGlite(pglite) as unknown as import('@prisma/adapter-pg').PrismaPg;
    return new (prismaClientClass())({ adapter });
  });
  return {
    kind: 'pglite',
    get prisma() {
      return prisma.get();
    },
    pglite,
    description: dataDir ? `embedded PGlite at ${dataDir}` : 'embedded PGlite in memory',
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
    // PGlite is a single connection; its own queue serialises callers.
    withSession: async (fn) =>
      fn({
        exec: async (sql) => {
          await pglite.exec(sql);
        },
        query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
      }),
    close: async () => {
      await prisma.disconnect();
      await pglite.close();
      await release();
    },
  };
}

/**
 * A new database (in memory, or a data folder that is missing or empty) starts from the cached empty
 * cluster (pglite-template.ts) instead of running initdb; a tarball it cannot start from is discarded and
 * the database made the slow way.
 */
async function createPglite(
  PGliteImpl: typeof PGlite,
  dataDir: string | null,
  startFrom?: Blob,
): Promise<PGlite> {
  const open = (loadDataDir?: Blob) =>
    dataDir ? PGliteImpl.create(dataDir, { loadDataDir }) : PGliteImpl.create({ loadDataDir });
  if (dataDir && !isNewDataDir(dataDir)) return open();
  if (startFrom) return open(startFrom);
  const template = await emptyCluster(PGliteImpl);
  if (!template) return open();
  try {
    return await open(template);
  } catch {
    discardEmptyCluster();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    return open();
  }
}

/**
 * node-postgres asks, as it loads, whether it runs on Cloudflare Workers: with no `navigator` (Node 20) it
 * builds a fetch Response to find out, which loads Node's undici, about 30 ms of CPU in a one-shot CLI
 * read. Node 21+ has a navigator ("Node.js/21"); on 20 one with that user agent stands in for the load only.
 */
function loadPg(): typeof import('pg') {
  const g = globalThis as { navigator?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (g.navigator !== undefined) return require('pg') as typeof import('pg');
  g.navigator = { userAgent: `Node.js/${process.versions.node.split('.')[0]}` };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg') as typeof import('pg');
  } finally {
    delete g.navigator;
  }
}

function openPostgres(url: string, schema: string | undefined, readOnly: boolean): Database {
  if (schema !== undefined && !SAFE_SCHEMA.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use letters, digits and underscores.`);
  }
  const { Pool } = loadPg();
  const pool = new Pool({
    connectionString: url,
    max: 5,
    connectionTimeoutMillis: 5_000,
    ...(schema || readOnly
      ? {
          options: [
            schema ? `-c search_path=${schema}` : '',
            readOnly ? '-c default_transaction_read_only=on' : '',
          ]
            .filter(Boolean)
            .join(' '),
        }
      : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const prisma = lazyPrisma(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaPg } = require('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
    return new (prismaClientClass())({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  });
  return {
    kind: 'postgres',
    get prisma() {
      return prisma.get();
    },
    description: `PostgreSQL ${redactUrl(url)}${schema ? ` (schema ${schema})` : ''}`,
    exec: async (sql) => {
      await pool.query(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    withSession: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <T>(sql: string, params: unknown[] = []) =>
            (await client.query(sql, params)).rows as T[],
        });
      } finally {
        client.release();
      }
    },
    close: async () => {
      await prisma.disconnect();
      await pool.end();
    },
  };
}
