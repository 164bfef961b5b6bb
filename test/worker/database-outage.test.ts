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
import type { BuildResult } from '../../workflows/core/types';
import { runBr, type CliResult } from '../helpers/cli';
import { connectClient, describeServer } from '../helpers/temporal';
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
import { within } from '../helpers/within';

const OUTAGE_MS = 60_000;

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
      const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
      const br = (args: string[]) =>
        runBr(args, { cwd: build.repo, env: { ...cliEnv, ANTHROPIC_API_KEY: undefined } });
      const started = await br(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--budget', '5']);
      expect(started.code).toBe(0);
      const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
      const watching: Promise<CliResult> = br(['build', 'watch', buildId]);

      // Mid-build: tasks inside the agent loop, a request on its way.
      const deadline = Date.now() + 120_000;
      while (build.anthropic.requests.length < 4) {
        if (Date.now() > deadline) throw new Error(`no progress:\n${worker!.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      pg.stop();
      const stoppedAt = Date.now();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      // Answered while the database was away: the attempt had to keep those rows until it was back. (Counting
      // arrivals instead raced the stop: the requests in flight at the 4th can all arrive before it completes.)
      const answeredDuringOutage = build.arrivals.filter((a) => a.answerDueAt >= stoppedAt).length;
      pg.start();
      slow = false;

      const { client, close } = await connectClient();
      let result: BuildResult;
      try {
        result = (await within(
          client.workflow.getHandle(buildId).result(),
          180_000,
          () => `build did not finish:\n${worker!.output()}`,
        )) as BuildResult;
      } finally {
        await close();
      }
      const watched = await watching;
      const waits = watched.stdout.split('\n').filter((l) => /waiting for the database/.test(l));
      console.log(
        `requests answered while the database was down: ${answeredDuringOutage}\n${waits.join('\n')}`,
      );
      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 5, FAILED: 0 });
      expect(answeredDuringOutage).toBeGreaterThan(0);

      db = await openDatabase({ kind: 'postgres', url: pg.url });
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      expect(rows).toHaveLength(build.anthropic.requests.length);
      expect(rows.every((r) => r.settled)).toBe(true);
      const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
      expect(attempts.map((a) => a.outcome)).toEqual(Array(5).fill('SUCCEEDED'));
      expect([...build.conversationsPerTask().values()]).toEqual(Array(5).fill(1));

      // The watch rode the outage out to the end (exit 0: SUCCEEDED) and said what the tasks waited for.
      expect(watched.code).toBe(0);
      expect(watched.stdout).toMatch(/done SUCCEEDED/);
      expect(waits.length).toBeGreaterThan(0);
      expect(waits[0]).toMatch(/step \S+ waiting for the database since \d\d:\d\d:\d\d/);
    },
    420_000,
  );
});
