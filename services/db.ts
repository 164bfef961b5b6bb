import { openDatabase } from '../activities/db/connection';
import { migrate, migrationState, readMigrations, type MigrationState } from '../activities/db/migrate';
import { resolveDatabaseTarget } from '../activities/db/target';
import type { ServiceContext } from './context';

export interface DbStatus extends MigrationState {
  database: string;
  kind: 'pglite' | 'postgres';
  upToDate: boolean;
}

export async function dbStatus(ctx: ServiceContext): Promise<DbStatus> {
  const db = await openDatabase(resolveDatabaseTarget(ctx));
  try {
    const state = await migrationState(db, readMigrations());
    return {
      database: db.description,
      kind: db.kind,
      ...state,
      upToDate: state.pending.length === 0 && state.failed.length === 0 && state.modified.length === 0,
    };
  } finally {
    await db.close();
  }
}

export interface DbMigrateResult {
  database: string;
  applied: string[];
  alreadyApplied: number;
}

export async function dbMigrate(ctx: ServiceContext): Promise<DbMigrateResult> {
  const db = await openDatabase(resolveDatabaseTarget(ctx));
  try {
    const files = readMigrations();
    const applied = await migrate(db, files);
    return { database: db.description, applied, alreadyApplied: files.length - applied.length };
  } finally {
    await db.close();
  }
}
