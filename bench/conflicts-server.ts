import { tmpdir } from 'node:os';
import { failure } from '../activities/failure';
import { FailureClass } from '../lib/failures';
import { createContext } from '../services/context';
import { INSTALL_HINT, locateTemporalBinary } from '../services/temporal-binaries';
import { startDevServer } from '../services/temporal-dev-server';
import type { BuildResult } from '../workflows/core/types';
import { seededRandom } from '../workflows/simulation/model';
import { startWorkers } from '../worker/run';
import { buildInput, plannedTask } from '../test/fixtures/temporal/builds';
import { fakeActivities } from '../test/fixtures/temporal/fake-activities';

/**
 * The conflicts scenario on a real Temporal dev server: today's workflows, scripted activities in one
 * worker. The scripted git keeps a version per file: a task's merge conflicts when the shared file
 * changed on the build branch after its worktree was made; the scripted resolver succeeds with the
 * same assumed rate as the simulation. Agent runs take 0.3–1.1 s of wall time.
 */

const SHARED = 'src/server.ts';

export interface ServerRow {
  parallel: number;
  outcome: string;
  attempts: number;
  resolutions: number;
  resolved: number;
  redos: number;
  maxRedos: number;
  failedTasks: number;
  wallMs: number;
}

function scripted(seed: number, resolveSuccess: number) {
  const r = seededRandom(seed);
  const base = fakeActivities(0);
  let version = 0;
  const bases = new Map<string, number>();
  const counts = { attempts: 0, resolutions: 0, resolved: 0, redos: 0, maxRedos: 0 };
  const redosOf = new Map<string, number>();
  const activities = {
    ...base.activities,
    prepareWorktree: async ({ taskId, attempt }: { taskId: string; attempt: number }) => {
      const branch = `br/${taskId}-a${attempt}`;
      bases.set(branch, version);
      return { worktreePath: `/tmp/wt/${taskId}-${attempt}`, branch, baseCommit: `v${version}` };
    },
    runAgent: async (input: Parameters<typeof base.activities.runAgent>[0]) => {
      counts.attempts += 1;
      await new Promise((done) => setTimeout(done, 300 + Math.round(r() * 800)));
      return base.activities.runAgent(input);
    },
    mergeTask: async ({ taskId, branch }: { taskId: string; branch: string }) => {
      if (version > (bases.get(branch) ?? 0))
        throw failure(FailureClass.MERGE_CONFLICT, `Task ${taskId} conflicts in ${SHARED}`, {
          files: [SHARED],
        });
      version += 1;
      return { mergeCommit: `merge-${taskId}-v${version}` };
    },
    resolveConflict: async ({ taskId }: { taskId: string }) => {
      counts.resolutions += 1;
      await new Promise((done) => setTimeout(done, 100));
      if (r() >= resolveSuccess)
        return { mergeCommit: null, costUsd: '0.001', files: [SHARED], reason: 'gave up' };
      counts.resolved += 1;
      version += 1;
      return { mergeCommit: `merge-${taskId}-resolved-v${version}`, costUsd: '0.001', files: [SHARED] };
    },
    recordAttempt: async (a: { taskId: string; failureClass?: string }) => {
      if (a.failureClass !== 'MERGE_CONFLICT') return;
      counts.redos += 1;
      redosOf.set(a.taskId, (redosOf.get(a.taskId) ?? 0) + 1);
      counts.maxRedos = Math.max(counts.maxRedos, redosOf.get(a.taskId)!);
    },
  };
  return { activities, counts };
}

/** Runs the scenario at each parallelism; null (with the reason) when no Temporal server can be had. */
export async function serverRuns(
  tasks: number,
  parallels: number[],
  resolveSuccess: number,
): Promise<ServerRow[] | string> {
  const binary = locateTemporalBinary('cli');
  const given = process.env.TEMPORAL_ADDRESS;
  if (!given && !binary) return `Not measured: no Temporal server (${INSTALL_HINT}).`;
  const server = given ? null : await startDevServer({ binary: binary!.path, readyTimeoutMs: 120_000 });
  const address = given ?? server!.address;
  const { Client, Connection } = await import('@temporalio/client');
  const rows: ServerRow[] = [];
  // Inside the try: a connection that fails must still stop the server started above.
  let connection: Awaited<ReturnType<typeof Connection.connect>> | undefined;
  try {
    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    for (const parallel of parallels) {
      const queue = `br-conflicts-${parallel}-${Date.now()}`;
      const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: address } });
      ctx.config.temporal.taskQueue = queue;
      ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
      const { activities, counts } = scripted(parallel * 31 + tasks, resolveSuccess);
      const workers = await startWorkers(ctx, { activities, maxConcurrentActivities: 50 });
      try {
        const workflowId = `build-conflicts-${parallel}-${Date.now()}`;
        const plan = Array.from({ length: tasks }, (_, i) => plannedTask(`t${i + 1}`));
        const started = performance.now();
        const handle = await client.workflow.start('buildWorkflow', {
          workflowId,
          taskQueue: queue,
          args: [buildInput(plan, { buildId: workflowId, parallel, budgetUsd: '100' })],
          memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
        });
        const result = (await handle.result()) as BuildResult;
        const failedTasks = result.summary.tasks.FAILED;
        rows.push({
          parallel,
          outcome: result.outcome,
          ...counts,
          failedTasks,
          wallMs: performance.now() - started,
        });
      } finally {
        await workers.shutdown();
      }
    }
  } finally {
    await connection?.close();
    await server?.stop();
  }
  return rows;
}
