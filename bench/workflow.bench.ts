import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createContext } from '../services/context';
import { createFakeActivities, simulationInput } from '../workflows/simulation/fakes';
import { simulateBuild } from '../workflows/simulation/runtime';
import type { Plan } from '../lib/plan';
import type { BuildResult } from '../workflows/core/types';
import { startWorkers } from '../worker/run';
import { buildInput, plannedTask } from '../test/temporal/fixtures/builds';
import { fakeActivities } from '../test/temporal/fixtures/fake-activities';
import type { BenchModule } from './types';

/**
 * Workflow overhead: a 100-task build with instant fake activities, start to completion, on a real
 * Temporal server (TEMPORAL_ADDRESS, or a `temporal` CLI on PATH). Baseline in the same run: the same
 * build logic on the in-process simulation runtime. Without a server it reports "not measured".
 */
const TASKS = 100;
const PARALLEL = 16;

function tasks() {
  return Array.from({ length: TASKS }, (_, i) => plannedTask(`t${i}`, i >= 10 ? [`t${i - 10}`] : []));
}

async function baselineMs(): Promise<number> {
  const plan: Plan = { project: 'bench', source: 'heuristic', tasks: tasks() };
  const { activities } = createFakeActivities({
    plan,
    agent: () => ({ durationMs: 0, costUsd: '0.01' }),
    gitMs: 0,
  });
  const started = performance.now();
  const run = await simulateBuild({ input: simulationInput(plan, { parallel: PARALLEL }), activities });
  if (run.result.outcome !== 'SUCCEEDED') throw new Error(`simulation ended ${run.result.outcome}`);
  return performance.now() - started;
}

async function temporalMs(address: string | null, binary: string): Promise<number> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = address
    ? null
    : await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: binary } },
      });
  const target = address ?? env!.address;
  const queue = `br-bench-${Date.now()}`;
  const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: target } });
  ctx.config.temporal.taskQueue = queue;
  ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
  const workers = await startWorkers(ctx, { activities: fakeActivities(0).activities });
  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: target });
  try {
    const client = new Client({ connection });
    const started = performance.now();
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId: `build-bench-${Date.now()}`,
      taskQueue: queue,
      args: [buildInput(tasks(), { buildId: `build-bench-${Date.now()}`, parallel: PARALLEL })],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
    const result = (await handle.result()) as BuildResult;
    if (result.outcome !== 'SUCCEEDED') throw new Error(`build ended ${result.outcome}`);
    return performance.now() - started;
  } finally {
    await connection.close();
    await workers.shutdown();
    await env?.teardown();
  }
}

const bench: BenchModule = {
  name: 'workflow',
  async run() {
    const baseline = await baselineMs();
    const binary = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).stdout.trim();
    const address = process.env.TEMPORAL_ADDRESS ?? null;
    const lines = [
      `A ${TASKS}-task build (each task depends on the one 10 before it), parallel ${PARALLEL}, instant fake activities.`,
      '',
      '| runtime | start → completion | per task |',
      '|---|---|---|',
      `| in-process simulation (baseline: the build logic alone) | ${baseline.toFixed(0)} ms | ${(baseline / TASKS).toFixed(1)} ms |`,
    ];
    if (!address && !binary) {
      lines.push(
        '| Temporal | not measured: no server (set TEMPORAL_ADDRESS or put the `temporal` CLI on PATH) | — |',
      );
    } else {
      const ms = await temporalMs(address, binary);
      lines.push(
        `| Temporal (${address ? 'TEMPORAL_ADDRESS' : 'temporal CLI dev server'}) | ${ms.toFixed(0)} ms | ${(ms / TASKS).toFixed(1)} ms |`,
      );
      lines.push('', `Temporal / simulation: ${(ms / baseline).toFixed(1)}×.`);
    }
    return { title: 'Workflow overhead', command: 'npm run bench -- workflow', markdown: lines.join('\n') };
  },
};

export default bench;
