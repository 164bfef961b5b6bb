/**
 * A database outage fails nothing (issue 27), with the embedded database `br dev` serves: the outage a
 * `br dev` user meets is `br dev` stopped and started again (Ctrl-C, then `br dev`) while a `br worker`
 * in another terminal runs a build. The worker found the database through .buildrunner/db-server.json
 * when it started and keeps that address; `br dev` serves it again from the same data folder. Here the
 * embedded server (startEmbeddedServer, what `br dev` runs) is stopped for 60 s mid-build and started
 * again on the same folder, while `br worker` and the Temporal server keep running: the server comes
 * back at the address the worker holds, the build SUCCEEDS, no task fails or runs twice, and the cost
 * rows equal the requests the scripted server answered.
 */
import path from 'node:path';
import { openDatabase } from '../../activities/db/connection';
import type { Database } from '../../lib/db/connection';
import { startEmbeddedServer, type EmbeddedServer } from '../../services/db-embedded-server';
import { describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { buildThroughOutage, expectOutageRiddenOut } from '../fixtures/outage/database-outage';

describeServer('the embedded database of br dev stopped for 60 s mid-build', () => {
  let build: RealBuild;
  let server: EmbeddedServer | undefined;
  let worker: WorkerProcess | undefined;
  let db: Database | undefined;
  /** Answers take 1.5 s until the database is served again (tasks stay inside the agent loop); then 200 ms. */
  let slow = true;
  const serve = () =>
    startEmbeddedServer({ root: build.repo, dataDir: path.join(build.repo, '.buildrunner', 'db') });

  beforeAll(async () => {
    build = await setupRealBuild({ database: 'none', turnDelayMs: () => (slow ? 1500 : 200) });
    server = await serve();
    // No DATABASE_URL: `br worker` finds the served database as it does beside `br dev`.
    worker = spawnWorker(build);
    await workerReady(worker);
  }, 180_000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await db?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await build?.close();
  });

  it('succeeds with no task failed and a cost row per answered request once it is served again', async () => {
    let servedAt = '';
    const run = await buildThroughOutage(build, worker!, {
      what: 'the embedded database',
      stop: async () => {
        servedAt = server!.url;
        await server!.stop();
        server = undefined;
      },
      start: async () => {
        server = await serve();
        slow = false;
      },
    });
    expect(server!.url).toBe(servedAt);
    db = await openDatabase({ kind: 'postgres', url: server!.url });
    await expectOutageRiddenOut(build, run, db);
  }, 420_000);
});
