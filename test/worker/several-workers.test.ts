/**
 * Several workers share one build: three `br worker` processes poll the build queue; two serve only the
 * Haiku Claude queue and one only Sonnet. The build runs at parallel 3; the task histories on the server
 * say which process ran what (each event carries the worker's identity, `<pid>@<host>`).
 */
import type { temporal } from '@temporalio/proto';
import type { BuildResult } from '../../workflows/core/types';
import { runBr } from '../helpers/cli';
import { postgresUrl } from '../helpers/db';
import { connectClient, describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';

type Event = temporal.api.history.v1.IHistoryEvent;

const ms = (t: Event['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** runAgent calls of one task: the model queue it was scheduled on and the identity that ran it. */
function agentRuns(events: Event[]): { queue: string; identity: string }[] {
  const scheduled = new Map<number, string>();
  const runs: { queue: string; identity: string }[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s && s.activityType?.name === 'runAgent') scheduled.set(Number(e.eventId), s.taskQueue?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    const queue = started ? scheduled.get(Number(started.scheduledEventId)) : undefined;
    if (started && queue !== undefined) runs.push({ queue, identity: started.identity ?? '' });
  }
  return runs;
}

function identities(events: Event[]): string[] {
  return events
    .map(
      (e) =>
        e.activityTaskStartedEventAttributes?.identity ?? e.workflowTaskCompletedEventAttributes?.identity,
    )
    .filter((i): i is string => Boolean(i));
}

/** Most children running at the same time, from the parent's start/close events. */
function maxOverlap(events: Event[]): number {
  const points: [number, number][] = [];
  for (const e of events) {
    if (e.childWorkflowExecutionStartedEventAttributes) points.push([ms(e.eventTime), 1]);
    if (e.childWorkflowExecutionCompletedEventAttributes) points.push([ms(e.eventTime), -1]);
  }
  let running = 0;
  let max = 0;
  for (const [, d] of points.sort((a, b) => a[0] - b[0] || a[1] - b[1])) max = Math.max(max, (running += d));
  return max;
}

describeServer('several workers', () => {
  let build: RealBuild;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    build = await setupRealBuild({ database: postgresUrl ? 'postgres' : 'embedded', turnDelayMs: 1000 });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await build?.close();
  });

  it('three worker processes share a build at parallel 3; a Haiku-only worker runs only Haiku calls', async () => {
    workers.push(
      spawnWorker(build, ['--models', 'haiku']),
      spawnWorker(build, ['--models', 'haiku']),
      spawnWorker(build, ['--models', 'sonnet']),
    );
    await Promise.all(workers.map((w) => workerReady(w)));
    const identityOf = new Map(workers.map((w, i) => [w.child.pid!, i]));
    const worker = (identity: string) => identityOf.get(Number(identity.split('@')[0]));

    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--budget', '5'], {
      cwd: build.repo,
      env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
    });
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');

      const parent = (await handle.fetchHistory()).events ?? [];
      expect(maxOverlap(parent)).toBeGreaterThanOrEqual(3);
      const ran = new Set<number | undefined>(identities(parent).map(worker));
      const byModel: Record<string, Set<number | undefined>> = {};
      const children = parent
        .map((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId)
        .filter((id): id is string => Boolean(id));
      expect(children).toHaveLength(5);
      for (const childId of children) {
        const events = (await client.workflow.getHandle(childId).fetchHistory()).events ?? [];
        for (const id of identities(events)) ran.add(worker(id));
        for (const run of agentRuns(events)) {
          const model = run.queue.slice(`${build.taskQueue}-claude-`.length);
          (byModel[model] ??= new Set()).add(worker(run.identity));
        }
      }
      // Every process did part of the build; Claude calls ran only where their model's queue is polled.
      expect([...ran].sort()).toEqual([0, 1, 2]);
      expect(Object.keys(byModel).sort()).toEqual(['claude-haiku-5-5', 'claude-sonnet-5-5']);
      for (const w of byModel['claude-haiku-5-5']!) expect([0, 1]).toContain(w);
      expect([...byModel['claude-sonnet-5-5']!]).toEqual([2]);
    } finally {
      await close();
    }
  }, 300_000);
});
