import os from 'node:os';
import { cpuUsage } from 'node:process';
import { openStatusSession } from '../services/build-status';
import type { BuildBackend } from '../services/build-types';
import { createContext } from '../services/context';
import { monteCarlo } from '../services/forecast';
import type { ProgressSnapshot, TaskProgress } from '../workflows/core/progress';
import type { BenchModule } from './types';

/**
 * The status call alone of a large running build (issue 31: ≤ 500 ms for 2,000 tasks), without the
 * 10-minute build of `npm run bench -- long-build`: the status service reads a synthetic 2,000-task
 * snapshot (the long-build shape: each task waits for the one 20 before it, 20 running, parallel 20)
 * and makes the report with its forecast, in this process. Baseline in the same run: a 20-task build,
 * and one run of the whole-plan simulation the forecast made for every plan before (it made 20).
 * Not included: CLI start-up (bench/results-cli-reads.md) and the worker's answer to the query.
 */
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const LEVELS = ['simple', 'moderate', 'complex', 'critical'] as const;

function tasksOf(n: number): TaskProgress[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    title: `Task ${i}`,
    state: i < 20 ? 'RUNNING' : 'PENDING',
    attempts: i < 20 ? 1 : 0,
    costUsd: '0',
    complexity: LEVELS[i % 4],
    dependsOn: i >= 20 ? [`t${i - 20}`] : [],
    ...(i < 20 ? { startedAt: T0 } : {}),
  }));
}

function backendOf(n: number): BuildBackend {
  const tasks = tasksOf(n);
  const unused = () => Promise.reject(new Error('not used'));
  const budget = { limitUsd: '100000', spentUsd: '0', reservedUsd: '0', leftUsd: '100000' };
  return {
    start: unused,
    progress: async (): Promise<ProgressSnapshot & { webUiUrl: string | null }> => ({
      buildId: `build-status-${n}`,
      status: 'RUNNING',
      paused: false,
      tasks,
      counts: { PENDING: n - 20, RUNNING: 20, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0 },
      budget: { ...budget, fractionUsed: 0, breaker: 'closed' },
      startedAt: T0,
      now: T0 + 1000,
      elapsedMs: 1000,
      alerts: [],
      generation: 0,
      webUiUrl: null,
    }),
    list: unused,
    signal: unused,
    raiseBudget: unused,
    logs: unused,
  };
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const cpu = cpuUsage();
  const start = performance.now();
  await fn();
  const used = cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

async function statusRead(n: number): Promise<{ ms: number; cpuMs: number }> {
  const ctx = { ...createContext({ cwd: os.tmpdir(), env: { ...process.env } }), builds: backendOf(n) };
  ctx.config.parallel = 20;
  return timed(async () => {
    const session = await openStatusSession(ctx, `build-status-${n}`);
    try {
      await session.read();
    } finally {
      await session.close();
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bench: BenchModule = {
  name: 'status-large',
  async run() {
    const load = os.loadavg()[0]!.toFixed(1);
    await statusRead(20); // module loading is not measured
    const row = async (label: string, fn: () => Promise<{ ms: number; cpuMs: number }>, times = 5) => {
      const xs: { ms: number; cpuMs: number }[] = [];
      for (let i = 0; i < times; i++) xs.push(await fn());
      const ms = median(xs.map((x) => x.ms));
      const cpuMs = median(xs.map((x) => x.cpuMs));
      return { label, ms, cpuMs, times };
    };
    const small = await row('status of a 20-task build (whole plan simulated, 20 runs)', () =>
      statusRead(20),
    );
    const large = await row('status of a 2,000-task build (sampled forecast, 20 draws)', () =>
      statusRead(2000),
    );
    const ctx = createContext({ cwd: os.tmpdir(), env: { ...process.env } });
    const r = ctx.config.routing;
    const shape = {
      parallel: 20,
      alertThresholds: ctx.config.budget.alertThresholds,
      routing: {
        tiers: { simple: r.simple, moderate: r.moderate, complex: r.complex, critical: r.critical },
        maxAttemptsPerTask: r.maxAttemptsPerTask,
        catalog: ctx.config.models,
      },
    };
    // The old forecast of this plan simulated all 2,000 tasks 20 times; one run of it, for scale.
    const before = await row(
      'before: one whole-plan simulation of the 2,000 tasks (the old forecast made 20)',
      () =>
        timed(() =>
          monteCarlo({
            ...shape,
            plan: {
              project: 'forecast',
              source: 'heuristic',
              tasks: tasksOf(2000).map((t) => ({
                id: t.id,
                title: t.title,
                description: t.title,
                acceptance: [],
                dependsOn: t.dependsOn ?? [],
                files: [],
              })),
            },
            levelOf: (id) => LEVELS[Number(id.slice(1)) % 4]!,
            budgetUsd: '100000',
            runs: 1,
            seed: 1,
          }),
        ),
      1,
    );
    const rows = [small, large, before].map(
      (x) =>
        `| ${x.label} | ${x.ms.toFixed(0)} ms | ${x.cpuMs.toFixed(0)} ms | ${(x.cpuMs / small.cpuMs).toFixed(1)}× | ${x.times} |`,
    );
    return {
      title: 'The status call of a 2,000-task running build, alone (issue 31: ≤ 500 ms)',
      command: 'npm run bench -- status-large',
      markdown: [
        `Load average (1 min) at the start: ${load} on ${os.cpus().length} cores. In-process status service read of a synthetic snapshot (each task waits for the one 20 before it, 20 running, parallel 20): progress, per-task now, forecast. No CLI start-up, no worker query.`,
        '',
        '| call | wall (median) | CPU (median) | CPU ratio to the 20-task build | samples |',
        '|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    };
  },
};

export default bench;
