/**
 * `br build continue` with no worker running (issue 27): the ended run's carry-over is a query that
 * only a worker replaying that run answers. Before, the command waited ~30 s and printed Temporal's
 * "Failed to query Workflow" with a stack trace; now it is refused with what to do (start `br worker`)
 * and starts nothing; with a worker started again, the same command continues the build.
 */
import type { BuildResult } from '../../workflows/core/types';
import { errors } from '../fixtures/anthropic-server';
import { runBr } from '../helpers/cli';
import { connectClient, describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';

describeServer('br build continue without a worker', () => {
  let build: RealBuild;
  const workers: WorkerProcess[] = [];
  let refuse = true;

  beforeAll(async () => {
    build = await setupRealBuild({
      database: 'embedded',
      answer: () => (refuse ? errors.invalidRequest() : undefined),
    });
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await build?.close();
  });
  const br = (args: string[]) => {
    const { ANTHROPIC_API_KEY: _key, ...env } = build.env;
    return runBr(args, { cwd: build.repo, env: { ...env, ANTHROPIC_API_KEY: undefined } });
  };
  const worker = async () => {
    const w = spawnWorker(build);
    workers.push(w);
    await workerReady(w);
    return w;
  };

  it('is refused with the hint to start a worker, starts nothing, and works once one runs', async () => {
    const first = await worker();
    const started = await br(['build', 'start', 'PROJECT_SPEC.md', '--heuristic-plan', '--budget', '5']);
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      const ended = (await handle.result()) as BuildResult;
      expect(ended.outcome).toBe('FAILED');
      const runId = (await handle.describe()).runId;
      first.child.kill('SIGKILL');
      await first.exited;

      const requests = build.anthropic.requests.length;
      const refused = await br(['build', 'continue', buildId]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/no worker on the task queue .* answered/);
      expect(refused.stderr).toContain(`Start one with \`br worker\``);
      expect(refused.stderr).toContain(`br build continue ${buildId}\` again`);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect((await handle.describe()).runId).toBe(runId);
      expect(build.anthropic.requests.length).toBe(requests);

      await worker();
      refuse = false;
      const continued = await br(['build', 'continue', buildId]);
      expect([continued.code, continued.stderr]).toEqual([0, '']);
      expect((await handle.describe()).runId).not.toBe(runId);
      await handle.cancel();
    } finally {
      await close();
    }
  }, 180_000);
});
