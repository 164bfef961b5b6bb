import type { PrismaClient } from '@prisma/client';

/** Where the data lives: embedded PGlite (a folder, or memory when dataDir is null) or a PostgreSQL server. */
export type DatabaseTarget =
  { kind: 'pglite'; dataDir: string | null } | { kind: 'postgres'; url: string; schema?: string };

export interface SqlSession {
  /** Runs one or more SQL statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends SqlSession {
  readonly kind: DatabaseTarget['kind'];
  readonly prisma: PrismaClient;
  /** Runs fn on one connection, for session state such as advisory locks and explicit transactions. */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** The PGlite instance behind an embedded database (to serve it to other processes). */
  readonly pglite?: import('@electric-sql/pglite').PGlite;
  /** A printable description with any password masked. */
  readonly description: string;
  close(): Promise<void>;
}

/** Removes the password from a connection URL so it can be shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

const SAFE_SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * `readOnly` makes the server refuse every write in this connection's transactions
 * (default_transaction_read_only), so a reader such as the dashboard cannot change data even by mistake.
 */
export async function openDatabase(
  target: DatabaseTarget,
  options: { readOnly?: boolean } = {},
): Promise<Database> {
  const readOnly = options.readOnly ?? false;
  return target.kind === 'pglite'
    ? openPglite(target.dataDir, readOnly)
    : openPostgres(target.url, target.schema, readOnly);
}

async function openPglite(dataDir: string | null, readOnly: boolean): Promise<Database> {
  const [{ PGlite }, { PrismaPGlite }, { PrismaClient }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('pglite-prisma-adapter'),
    import('@prisma/client'),
  ]);
  const release = dataDir ? (await import('./lock')).acquireDataDirLock(dataDir) : () => Promise.resolve();
  let pglite: InstanceType<typeof PGlite>;
  try {
    pglite = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (err) {
    await release();
    throw err;
  }
  // PGlite is one session, so a session setting covers Prisma's queries as well.
  if (readOnly) await pglite.exec('SET default_transaction_read_only = on');
  // pglite-prisma-adapter 0.6 is typed against an older @prisma/driver-adapter-utils; the wire contract is
  // the same (migrations and queries are tested on it), only the declaration files differ.
  const adapter = new PrismaPGlite(pglite) as unknown as import('@prisma/adapter-pg').PrismaPg;
  const prisma = new PrismaClient({ adapter });
  return {
    kind: 'pglite',
    prisma,
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
      await prisma.$disconnect();
      await pglite.close();
      await release();
    },
  };
}

async function openPostgres(url: string, schema: string | undefined, readOnly: boolean): Promise<Database> {
  if (schema !== undefined && !SAFE_SCHEMA.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use letters, digits and underscores.`);
  }
  const [{ Pool }, { PrismaPg }, { PrismaClient }] = await Promise.all([
    import('pg'),
    import('@prisma/adapter-pg'),
    import('@prisma/client'),
  ]);
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
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  return {
    kind: 'postgres',
    prisma,
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
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
