/**
 * A long watch does not grow: 2,000 readings of a real running build (progress query, each running
 * task's describe and newest history) through the watch loop, with the watch's long-lived abort
 * signal. The signal's listeners stay at most one, the heap stays flat, no runtime warning is emitted.
 */
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { openStatusSession } from '../../services/build-status';
import { createContext } from '../../services/context';
import { watchProgress } from '../../services/watch';
import { runBr } from '../helpers/cli';
import { describeServer, serverBundle } from '../helpers/temporal';
import { setupRealBuild, type RealBuild } from '../fixtures/temporal/real-build';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describeServer('watching a build for a long time', () => {
  let build: RealBuild;
  let workers: RunningWorkers;

  beforeAll(async () => {
    // Answers take ten minutes: the tasks stay in their agent loop for the whole test.
    build = await setupRealBuild({ database: 'embedded', turnDelayMs: 600_000 });
    const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...build.env } });
    workers = await startWorkers(ctx, { workflowBundle: await serverBundle(), drainSeconds: 1 });
  }, 240_000);

  afterAll(async () => {
    await workers?.shutdown();
    await build?.close();
  });

  it('keeps the abort listeners and the heap flat over 2,000 polls, and prints no warning', async () => {
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const env = { ...cliEnv, ANTHROPIC_API_KEY: undefined };
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--json'], {
      cwd: build.repo,
      env,
    });
    expect(started.code).toBe(0);
    const buildId = (JSON.parse(started.stdout) as { buildId: string }).buildId;
    const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...cliEnv } });
    const session = await openStatusSession(ctx, buildId, { forecast: 'background', forecastRuns: 5 });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void warnings.push(w);
    process.on('warning', onWarning);
    const abort = new AbortController();
    const listeners: number[] = [];
    const heap: Record<number, number> = {};
    let polls = 0;
    let running = 0;
    try {
      await watchProgress(() => session.read(), {
        intervalMs: 0,
        signal: abort.signal,
        isTerminal: () => false,
        onSnapshot: (report) => {
          polls += 1;
          running = Math.max(running, report.tasks.filter((t) => t.now?.step.kind === 'agent').length);
          listeners.push(getEventListeners(abort.signal, 'abort').length);
          if (polls === 200 || polls === 2000) heap[polls] = heapAfterGc();
          if (polls === 2000) abort.abort();
        },
      });
    } finally {
      process.removeListener('warning', onWarning);
      await session.close();
      await runBr(['build', 'cancel', buildId], { cwd: build.repo, env });
    }
    expect(polls).toBe(2000);
    // The readings were of a build at work: tasks in their agent loop, read through Temporal.
    expect(running).toBeGreaterThan(0);
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
    const growth = heap[2000]! - heap[200]!;
    console.log(
      `heap after 200 polls ${(heap[200]! / 1e6).toFixed(1)} MB, after 2000 ${(heap[2000]! / 1e6).toFixed(1)} MB`,
    );
    expect(growth).toBeLessThan(8e6);
    expect(warnings.map((w) => w.message)).toEqual([]);
  }, 600_000);
});
