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
import type { BuildResult } from '../../workflows/core/types';
import { runBr, type CliResult } from '../helpers/cli';
import { connectClient, describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { within } from '../helpers/within';

const OUTAGE_MS = 60_000;

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
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const br = (args: string[]) =>
      runBr(args, { cwd: build.repo, env: { ...cliEnv, ANTHROPIC_API_KEY: undefined } });
    const started = await br(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--budget', '5']);
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    const watching: Promise<CliResult> = br(['build', 'watch', buildId]);

    const deadline = Date.now() + 120_000;
    while (build.anthropic.requests.length < 4) {
      if (Date.now() > deadline) throw new Error(`no progress:\n${worker!.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const servedAt = server!.url;
    await server!.stop();
    server = undefined;
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // Answered while the database was away: the attempt had to keep those rows until it was back. (Counting
    // arrivals instead raced the stop: the requests in flight at the 4th can all arrive before it completes.)
    const answeredDuringOutage = build.arrivals.filter((a) => a.answerDueAt >= stoppedAt).length;
    server = await serve();
    expect(server.url).toBe(servedAt);
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
      `requests answered while the embedded database was down: ${answeredDuringOutage}\n${waits.join('\n')}`,
    );
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 5, FAILED: 0 });
    expect(answeredDuringOutage).toBeGreaterThan(0);

    db = await openDatabase({ kind: 'postgres', url: server.url });
    const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
    expect(rows).toHaveLength(build.anthropic.requests.length);
    expect(rows.every((r) => r.settled)).toBe(true);
    const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
    expect(attempts.map((a) => a.outcome)).toEqual(Array(5).fill('SUCCEEDED'));
    expect([...build.conversationsPerTask().values()]).toEqual(Array(5).fill(1));

    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/done SUCCEEDED/);
    expect(waits.length).toBeGreaterThan(0);
  }, 420_000);
});
