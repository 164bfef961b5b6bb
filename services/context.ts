import { existsSync } from 'node:fs';
import type { RuntimeContext } from '../lib/config';
import { loadConfig } from './config-file';
import { type Database } from '../lib/db/connection';
import { openDatabase } from '../activities/db/connection';
import { migrate } from '../activities/db/migrate';
import { resolveDatabaseTarget } from '../activities/db/target';
import { DATABASE_HINT, step } from './steps';

export { resolveDatabaseTarget };
import type { BuildBackend } from './build-types';

/**
 * What every service function receives: the loaded configuration and a way to reach the database.
 * Front ends (CLI, later MCP or a dashboard) build one and call the same services.
 */
export interface ServiceContext extends RuntimeContext {
  /** Where builds run; Temporal unless a test swaps in the simulation. */
  builds?: BuildBackend;
  /**
   * A database a long-running front end (the dashboard) holds open for its lifetime; services use it
   * instead of opening and migrating their own, and leave it open.
   */
  database?: Database;
}

/** `cacheConfig`: the compiled CLI keeps validated configurations (services/config-cache.ts). */
export function createContext(
  options: { cwd?: string; env?: NodeJS.ProcessEnv; configFile?: string; cacheConfig?: boolean } = {},
): ServiceContext {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  return { ...loadConfig({ cwd, env, file: options.configFile, cache: options.cacheConfig }), env, cwd };
}

/**
 * True when this folder's embedded database was never created: nothing was ever recorded here, so a
 * reader answers "nothing" at once instead of creating and migrating a database to read nothing.
 */
export function embeddedDatabaseMissing(ctx: ServiceContext): boolean {
  if (ctx.database) return false;
  const target = resolveDatabaseTarget(ctx);
  return target.kind === 'pglite' && !!target.dataDir && !existsSync(target.dataDir);
}

/** Opens the database, bringing its schema up to date first (idempotent, cheap when nothing is pending). */
export async function withDatabase<T>(
  ctx: ServiceContext,
  fn: (db: Database) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  if (ctx.database) return fn(ctx.database);
  const target = resolveDatabaseTarget(ctx);
  const what = target.kind === 'pglite' ? 'the embedded database' : 'the database at DATABASE_URL';
  return step(what, DATABASE_HINT, async () => {
    const db = await openDatabase(target);
    try {
      if (options.migrate !== false) await migrate(db);
      return await fn(db);
    } finally {
      await db.close();
    }
  });
}
