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
