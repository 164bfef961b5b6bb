/**
 * The Temporal dev server killed mid-build (SIGKILL) and started again 15 s later on the same database
 * file loses nothing (issue 27): `br worker` and `br build start` on a dev server of this test's own
 * (its own port and --db-filename), the scripted Anthropic server answering each turn in 1.5 s. The build
 * SUCCEEDS after the restart and every task is merged onto the build branch exactly once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../services/free-port';
import { locateTemporalBinary } from '../../services/temporal-binaries';
import { startDevServer, type DevServer } from '../../services/temporal-dev-server';
import type { BuildResult } from '../../workflows/core/types';
import { runBr } from '../helpers/cli';
import { describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { within } from '../helpers/within';

describeServer('the Temporal dev server killed and restarted mid-build', () => {
  let build: RealBuild;
  let server: DevServer | undefined;
  let worker: WorkerProcess | undefined;
  let dir: string;
  let port: number;
  /** Answers take 1.5 s until the server is back (the build is caught mid-way); then 200 ms. */
  let slow = true;
  const binary = locateTemporalBinary('cli')?.path;
  const start = () =>
    startDevServer({
      binary: binary!,
      port,
      dbFilename: path.join(dir, 'temporal.db'),
      readyTimeoutMs: 120_000,
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'br-temporal-db-'));
    port = await freePort();
    server = await start();
    build = await setupRealBuild({ database: 'embedded', turnDelayMs: () => (slow ? 1500 : 200) });
    build.env.TEMPORAL_ADDRESS = server.address;
  }, 180_000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await server?.stop();
    await build?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing: the build succeeds, every task merged once', async () => {
    worker = spawnWorker(build);
    await workerReady(worker);
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5'], {
      cwd: build.repo,
      env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
    });
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    // Mid-build: some agent requests answered, the build far from done.
    const deadline = Date.now() + 120_000;
    while (build.anthropic.requests.length < 3) {
      if (Date.now() > deadline) throw new Error(`no progress:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(server!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 15_000));
    server = await start();
    slow = false;

    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const result = (await within(
        client.workflow.getHandle(buildId).result(),
        300_000,
        () => `build did not finish:\n${worker!.output()}`,
      )) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
    } finally {
      await connection.close();
    }
    const merges = execFileSync('git', ['log', '--format=%s', `br/${buildId}`], {
      cwd: build.repo,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.startsWith('Merge task '))
      .map((m) => /^Merge task (\S+)/.exec(m)![1])
      .sort();
    expect(merges).toEqual([...build.requestsPerTask().keys()].sort());
    expect(merges).toHaveLength(5);
  }, 600_000);
});
