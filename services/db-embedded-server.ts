import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port';
import { openDatabase } from '../activities/db/connection';
import { migrate } from '../activities/db/migrate';
import { embeddedServerFile, type EmbeddedServerInfo } from '../activities/db/target';
import { groupExtendedProtocol } from './db-embedded-queue';

/**
 * Serves the embedded PGlite database over the PostgreSQL wire protocol on loopback, so `br dev`'s
 * worker and every other `br` process share one database (a PGlite folder can be opened by one
 * process only). Other processes find it through .buildrunner/db-server.json (see target.ts).
 */

export interface EmbeddedServer extends EmbeddedServerInfo {
  stop(): Promise<void>;
}

export async function startEmbeddedServer(options: {
  root: string;
  dataDir: string;
  port?: number;
}): Promise<EmbeddedServer> {
  const db = await openDatabase({ kind: 'pglite', dataDir: options.dataDir });
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const pglite = db.pglite!;
  const port = options.port ?? (await freePort());
  // Several clients (worker, CLI commands); PGlite itself runs one statement at a time.
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections: 32 });
  // Its queue takes single messages: keep each connection's Parse..Sync together (db-embedded-queue.ts).
  groupExtendedProtocol(server);
  await server.start();
  const info: EmbeddedServerInfo = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    pid: process.pid,
    dataDir: options.dataDir,
  };
  const file = embeddedServerFile(options.root);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  return {
    ...info,
    stop: async () => {
      rmSync(file, { force: true });
      await server.stop();
      await db.close();
    },
  };
}
