/**
 * Per-worker capacity and a graceful drain, on the real server: a `br worker` limited to one Claude call
 * per model queue never runs two agent conversations of one model at once, shows itself as
 * `<pid>@<host> buildrunner/<version>`, and on SIGTERM finishes the agent run it holds (no retry, no
 * heartbeat timeout) before it exits; a second worker then completes the build.
 */
import type { temporal } from '@temporalio/proto';
import { hostname } from 'node:os';
import { packageVersion } from '../../activities/paths';
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

interface AgentRun {
  queue: string;
  identity: string;
  start: number;
  end: number;
  outcome: 'completed' | 'failed' | 'timed out' | 'running';
}

function agentRuns(events: Event[]): AgentRun[] {
  const scheduled = new Map<number, string>();
  const started = new Map<number, { at: number; identity: string }>();
  const runs: AgentRun[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === 'runAgent') scheduled.set(Number(e.eventId), s.taskQueue?.name ?? '');
    const st = e.activityTaskStartedEventAttributes;
    if (st && scheduled.has(Number(st.scheduledEventId)))
      started.set(Number(st.scheduledEventId), { at: ms(e.eventTime), identity: st.identity ?? '' });
    const closed =
      (e.activityTaskCompletedEventAttributes &&
        (['completed', e.activityTaskCompletedEventAttributes] as const)) ||
      (e.activityTaskFailedEventAttributes && (['failed', e.activityTaskFailedEventAttributes] as const)) ||
      (e.activityTaskTimedOutEventAttributes &&
        (['timed out', e.activityTaskTimedOutEventAttributes] as const));
    if (closed) {
      const id = Number(closed[1].scheduledEventId);
      const s0 = started.get(id);
      if (scheduled.has(id))
        runs.push({
          queue: scheduled.get(id)!,
          identity: s0?.identity ?? '',
          start: s0?.at ?? ms(e.eventTime),
          end: ms(e.eventTime),
          outcome: closed[0],
        });
    }
  }
  return runs;
}

function maxOverlap(runs: AgentRun[]): number {
  const points = runs.flatMap((r): [number, number][] => [
    [r.start, 1],
    [r.end, -1],
  ]);
  let now = 0;
  let max = 0;
  for (const [, d] of points.sort((a, b) => a[0] - b[0] || a[1] - b[1])) max = Math.max(max, (now += d));
  return max;
}

describeServer('worker limits and drain', () => {
  let build: RealBuild;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    build = await setupRealBuild({ database: postgresUrl ? 'postgres' : 'embedded', turnDelayMs: 1500 });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await build?.close();
  });

  it('holds one Claude call per model queue, shows host and version, and drains on SIGTERM', async () => {
    const first = spawnWorker(build, [
      '--max-claude-calls',
      '1',
      '--max-tasks',
      '2',
      '--drain-seconds',
      '60',
    ]);
    workers.push(first);
    await workerReady(first);
    const identity = `${first.child.pid}@${hostname()} buildrunner/${packageVersion()}`;
    // One line per queue, printed as each starts polling: the Claude queues come after the build queue.
    for (
      let waited = 0;
      !first.output().includes(`1 at once, as ${identity}`) && waited < 30_000;
      waited += 100
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(first.output()).toContain(`1 at once, as ${identity}`);
    expect(first.output()).toContain(`2 at once, as ${identity}`);

    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--budget', '5'], {
      cwd: build.repo,
      env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
    });
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;

    // SIGTERM while a conversation is open (its first turn answered, the second not yet).
    const deadline = Date.now() + 120_000;
    while (![...build.requestsPerTask().values()].includes(1)) {
      if (Date.now() > deadline) throw new Error(`no agent run started:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainingTask = [...build.requestsPerTask()].find(([, n]) => n === 1)![0];
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe('0');
    expect(first.output()).toMatch(/Draining: no new work/);
    // The run it held finished: its conversation reached the finishing turn before the process exited.
    expect(build.requestsPerTask().get(drainingTask)).toBe(2);

    const second = spawnWorker(build, ['--max-claude-calls', '1']);
    workers.push(second);
    await workerReady(second);
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      expect(((await handle.result()) as BuildResult).outcome).toBe('SUCCEEDED');
      const parent = (await handle.fetchHistory()).events ?? [];
      const runs: AgentRun[] = [];
      for (const e of parent) {
        const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
        if (child)
          runs.push(...agentRuns((await client.workflow.getHandle(child).fetchHistory()).events ?? []));
      }
      const byFirst = runs.filter((r) => r.identity === identity);
      expect(byFirst.length).toBeGreaterThanOrEqual(1);
      // Drained, not abandoned: every run the first worker started completed, none failed or timed out.
      expect(byFirst.map((r) => r.outcome)).toEqual(byFirst.map(() => 'completed'));
      // Never two agent runs of one model at once in one worker, though tasks of one model were waiting.
      const groups = new Map<string, AgentRun[]>();
      for (const r of runs)
        groups.set(`${r.identity} ${r.queue}`, [...(groups.get(`${r.identity} ${r.queue}`) ?? []), r]);
      expect(Math.max(...[...groups.values()].map((g) => g.length))).toBeGreaterThanOrEqual(2);
      for (const [key, group] of groups) expect([key, maxOverlap(group)]).toEqual([key, 1]);
    } finally {
      await close();
    }
  }, 300_000);
});
