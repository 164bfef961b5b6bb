import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
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
 *
 * It serves on the port it served on last time (.buildrunner/db-port) when that port is free: a `br worker`
 * keeps the address it found when it started, so a `br dev` stopped and started again must come back at
 * that address for the worker's waiting writes to reach it (test/worker/embedded-database-outage.test.ts).
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
  const serve = async (port: number) => {
    // Several clients (worker, CLI commands); PGlite itself runs one statement at a time.
    const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections: 32 });
    // Its queue takes single messages: keep each connection's Parse..Sync together (db-embedded-queue.ts).
    groupExtendedProtocol(server);
    await server.start();
    return { server, port };
  };
  const portFile = path.join(options.root, '.buildrunner', 'db-port');
  const remembered = options.port === undefined ? readPort(portFile) : null;
  let served: Awaited<ReturnType<typeof serve>>;
  try {
    served = await serve(options.port ?? remembered ?? (await freePort())).catch(async (err: unknown) => {
      if (remembered === null || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      // Taken by another program since: a new address, which processes started from now on will find.
      return serve(await freePort());
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const { server, port } = served;
  const info: EmbeddedServerInfo = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    pid: process.pid,
    dataDir: options.dataDir,
  };
  const file = embeddedServerFile(options.root);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  writeFileSync(portFile, `${port}\n`);
  return {
    ...info,
    stop: async () => {
      rmSync(file, { force: true });
      await server.stop();
      await db.close();
    },
  };
}

function readPort(file: string): number | null {
  try {
    const port = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
  } catch {
    return null;
  }
}
