/**
 * A database outage fails nothing (issue 27), on the real server: `br worker` and `br build start`
 * against a PostgreSQL cluster of this test's own (initdb + pg_ctl, its own folder and port; never the
 * machine's shared cluster), the scripted Anthropic server answering each turn in 1.5 s. Mid-build the
 * cluster is stopped for 60 s, then started again: the build SUCCEEDS, no task fails or runs twice,
 * and the cost rows equal the requests the scripted server answered. `br build watch`, running all
 * along, keeps watching through the outage and says it is waiting for the database.
 */
import { openDatabase } from '../../activities/db/connection';
import type { Database } from '../../lib/db/connection';
import { describeServer } from '../helpers/temporal';
import {
  startThrowawayPostgres,
  throwawayPostgresAvailable,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { buildThroughOutage, expectOutageRiddenOut } from '../fixtures/outage/database-outage';

describeServer('the database stopped for 60 s mid-build', () => {
  let build: RealBuild;
  let pg: ThrowawayPostgres;
  let worker: WorkerProcess | undefined;
  let db: Database | undefined;
  /** Answers take 1.5 s until the cluster is back (tasks stay inside the agent loop); then 200 ms. */
  let slow = true;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    build = await setupRealBuild({ database: 'none', turnDelayMs: () => (slow ? 1500 : 200) });
    build.env.DATABASE_URL = pg.url;
    worker = spawnWorker(build);
    await workerReady(worker);
  }, 180_000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await db?.close().catch(() => undefined);
    await build?.close();
    pg?.destroy();
  });

  const withCluster = throwawayPostgresAvailable() ? it : it.skip;
  withCluster(
    'succeeds with no task failed, a cost row per answered request, and a watch that waits it out',
    async () => {
      const run = await buildThroughOutage(build, worker!, {
        what: 'the database',
        stop: () => pg.stop(),
        start: () => {
          pg.start();
          slow = false;
        },
      });
      db = await openDatabase({ kind: 'postgres', url: pg.url });
      await expectOutageRiddenOut(build, run, db);
      expect(run.waits[0]).toMatch(/step \S+ waiting for the database since \d\d:\d\d:\d\d/);
    },
    420_000,
  );
});
