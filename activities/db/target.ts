import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { alive } from '../../lib/process';
import type { LoadedConfig } from '../../lib/config';
import type { DatabaseTarget } from '../../lib/db/connection';

/**
 * Where a process finds the database:
 * 1. DATABASE_URL / database.url: a PostgreSQL server (a team's shared database);
 * 2. an embedded database being served by `br dev` (so several processes share it): its socket URL;
 * 3. otherwise the embedded PGlite folder, opened in-process.
 */

export interface EmbeddedServerInfo {
  url: string;
  pid: number;
  dataDir: string;
}

export function embeddedServerFile(root: string): string {
  return path.join(root, '.buildrunner', 'db-server.json');
}

export function readEmbeddedServer(root: string): EmbeddedServerInfo | null {
  const file = embeddedServerFile(root);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedServerInfo;
    return alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export function resolveDatabaseTarget(loaded: LoadedConfig): DatabaseTarget {
  const { config, root } = loaded;
  if (config.database.url) return { kind: 'postgres', url: config.database.url };
  const served = readEmbeddedServer(root);
  if (served) return { kind: 'postgres', url: served.url };
  return { kind: 'pglite', dataDir: path.resolve(root, config.database.dataDir) };
}
