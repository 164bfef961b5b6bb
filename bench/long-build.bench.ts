import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { createContext } from '../services/context';
import { INSTALL_HINT, locateTemporalBinary } from '../services/temporal-binaries';
import { startDevServer } from '../services/temporal-dev-server';
import type { BuildResult } from '../workflows/core/types';
import { startWorkers } from '../worker/run';
import { buildInput, plannedTask } from '../test/fixtures/temporal/builds';
import { fakeActivities } from '../test/fixtures/temporal/fake-activities';
import type { BenchModule } from './types';

/**
 * A long build (issue 31): 2,000 tasks (each depends on the one 20 before it), parallel 20, instant
 * fake activities, on a temporal CLI dev server. The build parent continues as new when the server
 * suggests it; every run's history is measured against Temporal's limits (51,200 events, 50 MB).
 * `br build status <id> --json` (compiled CLI, a process each time) is timed while the build runs
 * and after it ends. test/workflows/long-build.test.ts is the 600-task version that runs in CI.
 */
const TASKS = Number(process.env.BR_BENCH_LONG_TASKS ?? 2000);
const PARALLEL = 20;
const root = path.join(__dirname, '..');
const br = path.join(root, 'bin', 'br.js');

/** Asynchronous: the workers run in this process and must not stand still while the CLI runs. */
async function statusTime(
  id: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ ms: number; ok: boolean }> {
  const start = performance.now();
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(process.execPath, [br, 'build', 'status', id, '--json'], {
      cwd,
      env,
      stdio: 'ignore',
    });
    child.on('exit', (code) => resolve(code === 0));
  });
  return { ms: performance.now() - start, ok };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bench: BenchModule = {
  name: 'long-build',
  async run(res) {
    const title = `A ${TASKS.toLocaleString('en')}-task build (issue 31 targets: completes, histories far below the limits, status ≤ 500 ms)`;
    const command = 'npm run bench -- long-build';
    const binary = locateTemporalBinary('cli');
    if (!binary) return { title, command, markdown: `Not measured: no Temporal server (${INSTALL_HINT}).` };
    // BR_BENCH_NO_BUILD=1: dist/ is already built from this checkout.
    const build = process.env.BR_BENCH_NO_BUILD
      ? { status: 0, stderr: '' }
      : spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
    const server = res.hold(
      await startDevServer({ binary: binary.path, readyTimeoutMs: 120_000 }),
      (s) => s.stop(),
      'the Temporal dev server',
    );
    const queue = `br-long-bench-${Date.now()}`;
    const ctx = createContext({ cwd: os.tmpdir(), env: { TEMPORAL_ADDRESS: server.address } });
    ctx.config.temporal.taskQueue = queue;
    ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
    const fakes = fakeActivities(0);
    res.hold(
      await startWorkers(ctx, { activities: fakes.activities, maxConcurrentActivities: 50 }),
      (w) => w.shutdown(),
      'the workers',
    );
    const { Client, Connection } = await import('@temporalio/client');
    const connection = res.hold(
      await Connection.connect({ address: server.address }),
      (c) => c.close(),
      'the client connection',
    );
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-bench-long-'));
    // An empty embedded database in cwd: the finished build's gap report reads it.
    const env = { ...process.env, TEMPORAL_ADDRESS: server.address, DATABASE_URL: '' };
    const client = new Client({ connection });
    const load = os.loadavg()[0]!.toFixed(1);
    const workflowId = `build-long-bench-${Date.now()}`;
    const plan = Array.from({ length: TASKS }, (_, i) => plannedTask(`t${i}`, i >= 20 ? [`t${i - 20}`] : []));
    const started = performance.now();
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId,
      taskQueue: queue,
      args: [buildInput(plan, { buildId: workflowId, parallel: PARALLEL, budgetUsd: '1000' })],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
    const during: number[] = [];
    let ended = false;
    const result = handle.result().finally(() => (ended = true)) as Promise<BuildResult>;
    // While it runs: one status every 20 s (each a CLI process), taken on the event loop's idle time.
    while (!ended) {
      await Promise.race([result.catch(() => {}), new Promise((r) => setTimeout(r, 20_000))]);
      if (!ended) during.push((await statusTime(workflowId, env, cwd)).ms);
    }
    const outcome = await result;
    const seconds = (performance.now() - started) / 1000;
    const after = [];
    for (let i = 0; i < 5; i++) after.push(await statusTime(workflowId, env, cwd));
    const runs: { events: number; bytes: number }[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
      runs.push({
        events: history.events?.length ?? 0,
        bytes: temporal.api.history.v1.History.encode(history).finish().length,
      });
    }
    const largest = runs.reduce((a, b) => (b.events > a.events ? b : a));
    const twice = [...fakes.agentCalls.values()].filter((n) => n !== 1).length;
    return {
      title,
      command,
      markdown: [
        `${TASKS} tasks (each depends on the one 20 before it), parallel ${PARALLEL}, instant fake activities, one worker process, temporal CLI dev server (SQLite in memory). Load average (1 min) at the start: ${load} on ${os.cpus().length} cores.`,
        '',
        '| figure | value |',
        '|---|---|',
        `| outcome | ${outcome.outcome}, ${outcome.summary.tasks.SUCCEEDED ?? 0} tasks SUCCEEDED, ${twice} ran more than once |`,
        `| start → completion | ${seconds.toFixed(0)} s |`,
        `| runs of the build parent (continue-as-new) | ${runs.length} |`,
        `| largest run's history | ${largest.events} events (limit 51,200), ${(largest.bytes / 1024).toFixed(0)} KiB (limit 50 MiB) |`,
        `| \`br build status --json\` while running, median of ${during.length} (max) | ${during.length ? `${median(during).toFixed(0)} ms (${Math.max(...during).toFixed(0)} ms)` : 'not taken'} |`,
        `| \`br build status --json\` after it ended, median of 5 (all exit 0: ${after.every((a) => a.ok) ? 'yes' : 'NO'}) | ${median(after.map((a) => a.ms)).toFixed(0)} ms |`,
      ].join('\n'),
    };
  },
};

export default bench;
