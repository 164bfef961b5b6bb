import path from 'node:path';
import { tmpdir } from 'node:os';
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
 * Workflow overhead on a real Temporal dev server: a 100-task build with instant fake activities, start
 * to completion, and in the same run the bare-Temporal baseline (bench/baseline-workflows.ts): the same
 * number of child workflows, the same parallelism, each running as many no-op activities as a
 * BuildRunner task runs. The difference is BuildRunner's own cost: its signals, queries and decisions.
 */
const TASKS = 100;
const PARALLEL = 16;

type Event = temporal.api.history.v1.IHistoryEvent;
type Client = import('@temporalio/client').Client;

function tasks() {
  return Array.from({ length: TASKS }, (_, i) => plannedTask(`t${i}`, i >= 16 ? [`t${i - 16}`] : []));
}

const count = (events: Event[], pick: (e: Event) => unknown) => events.filter((e) => pick(e)).length;

async function history(client: Client, workflowId: string): Promise<Event[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

async function buildRunnerRun(client: Client, address: string) {
  const queue = `br-bench-${Date.now()}`;
  const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: address } });
  ctx.config.temporal.taskQueue = queue;
  ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
  const workers = await startWorkers(ctx, {
    activities: fakeActivities(0).activities,
    maxConcurrentActivities: 50,
  });
  try {
    const workflowId = `build-bench-${Date.now()}`;
    const started = performance.now();
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId,
      taskQueue: queue,
      args: [buildInput(tasks(), { buildId: workflowId, parallel: PARALLEL, budgetUsd: '1000' })],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
    const result = (await handle.result()) as BuildResult;
    const ms = performance.now() - started;
    if (result.outcome !== 'SUCCEEDED') throw new Error(`build ended ${result.outcome}`);
    const parent = await history(client, workflowId);
    const child = await history(client, `${workflowId}/task-t50`);
    return {
      ms,
      parentEvents: parent.length,
      childEvents: child.length,
      activitiesPerTask: count(child, (e) => e.activityTaskScheduledEventAttributes),
      parentActivities: count(parent, (e) => e.activityTaskScheduledEventAttributes),
      parentSignals:
        count(parent, (e) => e.workflowExecutionSignaledEventAttributes) +
        count(parent, (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes),
      parentWorkflowTasks: count(parent, (e) => e.workflowTaskCompletedEventAttributes),
      signalsPerTask:
        count(child, (e) => e.workflowExecutionSignaledEventAttributes) +
        count(child, (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes),
      workflowTasksPerTask: count(child, (e) => e.workflowTaskCompletedEventAttributes),
    };
  } finally {
    await workers.shutdown();
  }
}

async function baselineRun(client: Client, address: string, activities: number) {
  const { NativeConnection, Worker } = await import('@temporalio/worker');
  const connection = await NativeConnection.connect({ address });
  const taskQueue = `bare-bench-${Date.now()}`;
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: path.join(__dirname, 'baseline-workflows.ts'),
      activities: { noop: async () => undefined },
      maxConcurrentActivityTaskExecutions: 50,
    });
    return await worker.runUntil(async () => {
      const workflowId = `bare-bench-${Date.now()}`;
      const started = performance.now();
      await client.workflow.execute('baselineParent', {
        workflowId,
        taskQueue,
        args: [TASKS, PARALLEL, activities],
      });
      return performance.now() - started;
    });
  } finally {
    await connection.close();
  }
}

const bench: BenchModule = {
  name: 'workflow',
  async run(res) {
    const title = 'Workflow overhead';
    const command = 'npm run bench -- workflow';
    const binary = locateTemporalBinary('cli');
    const given = process.env.TEMPORAL_ADDRESS;
    if (!given && !binary)
      return { title, command, markdown: `Not measured: no Temporal server (${INSTALL_HINT}).` };
    const server = given
      ? null
      : res.hold(
          await startDevServer({ binary: binary!.path, readyTimeoutMs: 120_000 }),
          (s) => s.stop(),
          'the Temporal dev server',
        );
    const address = given ?? server!.address;
    const { Client, Connection } = await import('@temporalio/client');
    const connection = res.hold(
      await Connection.connect({ address }),
      (c) => c.close(),
      'the client connection',
    );
    const client = new Client({ connection });
    const br = await buildRunnerRun(client, address);
    const bare = await baselineRun(client, address, br.activitiesPerTask);
    const perTask = (ms: number) => `${(ms / TASKS).toFixed(1)} ms`;
    const lines = [
      `A ${TASKS}-task build (each task depends on the one ${PARALLEL} before it), parallel ${PARALLEL}, instant fake activities, on a ${given ? 'TEMPORAL_ADDRESS server' : 'temporal CLI dev server (SQLite in memory)'}; one worker process.`,
      '',
      '| run | start → completion | per task |',
      '|---|---|---|',
      `| bare Temporal (baseline): ${TASKS} child workflows × ${br.activitiesPerTask} no-op activities, ${PARALLEL} at a time | ${bare.toFixed(0)} ms | ${perTask(bare)} |`,
      `| BuildRunner build | ${br.ms.toFixed(0)} ms | ${perTask(br.ms)} |`,
      '',
      `BuildRunner / bare Temporal: ${(br.ms / bare).toFixed(2)}× (goal ≤ 1.5×); overhead ${((br.ms - bare) / TASKS).toFixed(1)} ms per task.`,
      '',
      `Where the time goes, per task: ${br.activitiesPerTask} activities and ${br.workflowTasksPerTask} workflow tasks in the task's own history (${br.childEvents} events), ` +
        `${br.signalsPerTask} signals between task and build in task t50's history (${(br.parentSignals / TASKS).toFixed(2)} per task in the build's history), ` +
        `and in the build's history ${(br.parentEvents / TASKS).toFixed(1)} events per task (${br.parentActivities} build-level activities, ${br.parentWorkflowTasks} workflow tasks in all).`,
    ];
    return { title, command, markdown: lines.join('\n') };
  },
};

export default bench;
