/**
 * An API outage fails nothing (issue 27), on the real server: `br worker` and `br build start` against
 * the scripted Anthropic server, which answers every request 529 (overloaded), whatever the model, for
 * the first 34 s of the build. The tasks wait it out (fallback.ts / outage.ts) instead of burning the
 * haiku → sonnet → opus ladder: the build SUCCEEDS, no task fails, and every task finishes on the model
 * it started on (or the one its overload falls back to, probed now and then), with only two counted
 * attempts allowed per task.
 *
 * Why 34 s: a task's tries come at 0, 5, 15 and 35 s from its first (the matrix's backoff, 5 s
 * doubling, plus each try's own time), then 75 s. The outage refuses each first task two or three
 * times, at least the two counted attempts it is allowed, and on an idle machine its fourth try finds
 * the API back; with 40 s that try was refused too and the build idled until the fifth, 35 s after the
 * outage ended.
 */
import { DEFAULT_CATALOG } from '../../lib/models';
import { alternateModel, modelById } from '../../workflows/core/routing';
import type { BuildResult } from '../../workflows/core/types';
import { errors, type RecordedRequest } from '../fixtures/anthropic-server';
import { runBr } from '../helpers/cli';
import { connectClient, describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  taskOf,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { within } from '../helpers/within';

const OUTAGE_MS = 34_000;

describeServer('an API outage on every model', () => {
  let build: RealBuild;
  let worker: WorkerProcess | undefined;
  let outageStart: number | undefined;
  let refused = 0;

  beforeAll(async () => {
    build = await setupRealBuild({
      database: 'embedded',
      config: { routing: { maxAttemptsPerTask: 2 } },
      answer: () => {
        outageStart ??= Date.now();
        if (Date.now() - outageStart >= OUTAGE_MS) return undefined;
        refused += 1;
        return errors.overloaded();
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await build?.close();
  });

  it('is waited out: the build succeeds, every task on its first model or its overload fallback, none failed', async () => {
    worker = spawnWorker(build);
    await workerReady(worker);
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--budget', '5'], {
      cwd: build.repo,
      env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
    });
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    const { client, close } = await connectClient();
    try {
      const result = (await within(
        client.workflow.getHandle(buildId).result(),
        400_000,
        () => `build did not finish:\n${worker!.output()}`,
      )) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
      expect(refused).toBeGreaterThanOrEqual(6);

      // Each task's last request (the one that got through) went to the model its first request asked
      // for, or to the one an overload of it falls back to (probed after 2, 4, … refused probes of the
      // first, patch 'outage-probe-others'); never further up the ladder.
      const byTask = new Map<string, RecordedRequest[]>();
      for (const r of build.anthropic.requests) {
        const task = taskOf(r);
        if (task) byTask.set(task, [...(byTask.get(task) ?? []), r]);
      }
      expect(byTask.size).toBe(5);
      for (const [task, requests] of byTask) {
        const first = modelById(DEFAULT_CATALOG, requests[0]!.body.model)!;
        const allowed = [first.id, alternateModel(DEFAULT_CATALOG, first)!.id];
        expect([task, allowed.includes(requests.at(-1)!.body.model)]).toEqual([task, true]);
      }

      const db = await build.db();
      const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
      expect(attempts.filter((a) => a.outcome === 'SUCCEEDED')).toHaveLength(5);
      const waits = attempts.filter((a) => a.decision?.startsWith('API unavailable'));
      expect(waits.length).toBeGreaterThan(0);
      console.log(
        `API outage: ${refused} requests answered 529 over ${OUTAGE_MS / 1000} s; ${waits.length} waits, e.g. "${waits[0]!.decision}"`,
      );
      // Every request has its cost row: the refused ones settled at zero.
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      expect(rows).toHaveLength(build.anthropic.requests.length);
      expect(rows.filter((r) => r.settled && Number(r.usd) === 0)).toHaveLength(refused);
    } finally {
      await close();
    }
  }, 600_000);
});
