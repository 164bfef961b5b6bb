import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
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
 * Many builds at once (issue 31): 20 builds of 25 tasks started together on one task queue served by
 * two workers (two worker sets in this process), instant fake activities, a temporal CLI dev server.
 * Each build is 5 chains of 5 tasks at parallel 8, so the parallel limit never holds a ready task back:
 * a task's wait from ready (its dependency's completion recorded in the build's history, or the build's
 * start) to its start (its child workflow's start recorded there) is the workers' and the build's own
 * delay. Figures: every build's completion time from the common start, slowest / fastest, and the
 * ready → start percentiles over all 500 tasks.
 */
const BUILDS = 20;
const CHAINS = 5;
const DEPTH = 5;
const PARALLEL = 8;

type Event = temporal.api.history.v1.IHistoryEvent;
type Client = import('@temporalio/client').Client;

function tasks() {
  const out = [];
  for (let c = 0; c < CHAINS; c++)
    for (let d = 0; d < DEPTH; d++) out.push(plannedTask(`c${c}d${d}`, d > 0 ? [`c${c}d${d - 1}`] : []));
  return out;
}

const ms = (e: Event) => {
  const t = e.eventTime!;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
};

interface Wait {
  total: number;
  /** Ready → the build's workflow task that starts the task is picked up by a worker (queue wait). */
  queued: number;
  /** That workflow task, picked up → completed (the worker's own time). */
  ran: number;
  /** The start command → the server's child-started event. */
  server: number;
  /**
   * A task made ready by another's end: the build's workflow tasks after the one that saw that end,
   * before the one that started it (undefined for the first tasks, ready at the build's start).
   */
  later?: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (undefined where there is none). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** One build's history: its events, their encoded bytes, its workflow tasks. */
interface HistorySize {
  events: number;
  /** Events by type (e.g. ACTIVITY_TASK_SCHEDULED), for a look at what a build's workflow tasks do. */
  byType: Record<string, number>;
  bytes: number;
  workflowTasks: number;
}

/** Ready → start waits of one build's tasks, from its own history, split where the time goes. */
async function waits(client: Client, workflowId: string): Promise<{ waits: Wait[]; size: HistorySize }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  // For a replay of the build's code alone (its CPU cost without the server and the load around it).
  const keep = process.env.BR_BENCH_HISTORY_DIR;
  if (keep)
    writeFileSync(
      path.join(keep, `${workflowId}.bin`),
      temporal.api.history.v1.History.encode({ events }).finish(),
    );
  const byType: Record<string, number> = {};
  for (const e of events) {
    let name = temporal.api.enums.v1.EventType[e.eventType ?? 0]!.replace('EVENT_TYPE_', '');
    // A sticky queue's schedule-to-start timeout sends the task to any worker: one without the build
    // in its cache replays the whole history.
    const timeout = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    if (timeout) name += `(${temporal.api.enums.v1.TimeoutType[timeout].replace('TIMEOUT_TYPE_', '')})`;
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const size = {
    events: events.length,
    byType,
    bytes: events.reduce((n, e) => n + temporal.api.history.v1.HistoryEvent.encode(e).finish().length, 0),
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
  };
  const started = ms(events[0]!);
  const startOf = new Map<string, number>();
  const doneOf = new Map<string, number>();
  /** Per task: [WT started, WT completed, start initiated] of the workflow task that started it. */
  const issuedOf = new Map<string, [number, number, number]>();
  /** The count of the build's workflow tasks started by each task's end, and by each task's start. */
  const wtAtDone = new Map<string, number>();
  const wtAtIssue = new Map<string, number>();
  const taskOf = (id: string | null | undefined) => id?.split('/task-')[1];
  let wtStarted = 0;
  let wtCompleted = 0;
  let wts = 0;
  for (const e of events) {
    if (e.workflowTaskStartedEventAttributes) {
      wtStarted = ms(e);
      wts++;
    }
    if (e.workflowTaskCompletedEventAttributes) wtCompleted = ms(e);
    const i = taskOf(e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId);
    if (i && !issuedOf.has(i)) {
      issuedOf.set(i, [wtStarted, wtCompleted, ms(e)]);
      wtAtIssue.set(i, wts);
    }
    const s = taskOf(e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId);
    if (s && !startOf.has(s)) startOf.set(s, ms(e));
    const d = taskOf(e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId);
    if (d) {
      doneOf.set(d, ms(e));
      wtAtDone.set(d, wts);
    }
  }
  const out: Wait[] = [];
  for (const t of tasks()) {
    const ready = t.dependsOn.length ? doneOf.get(t.dependsOn[0]!) : started;
    const start = startOf.get(t.id);
    const issued = issuedOf.get(t.id);
    if (ready === undefined || start === undefined || !issued)
      throw new Error(`${workflowId}: no start or ready time for ${t.id}`);
    const [picked, completed, initiated] = issued;
    out.push({
      total: start - ready,
      queued: Math.max(0, picked - ready),
      ran: completed - picked,
      server: start - initiated,
      ...(t.dependsOn.length ? { later: wtAtIssue.get(t.id)! - wtAtDone.get(t.dependsOn[0]!)! - 1 } : {}),
    });
  }
  return { waits: out, size };
}

/** The mean count of each event type over the builds, most frequent first. */
function eventTypes(all: Record<string, number>[]): string {
  const sum: Record<string, number> = {};
  for (const h of all) for (const [k, n] of Object.entries(h)) sum[k] = (sum[k] ?? 0) + n;
  return Object.entries(sum)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k.toLowerCase()} ${(n / all.length).toFixed(1)}`)
    .join(', ');
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const bench: BenchModule = {
  name: 'many-builds',
  async run(res) {
    const title = 'Many builds at once (issue 31 targets: all complete, p95 ready → start ≤ 2 s)';
    const command = 'npm run bench -- many-builds';
    const binary = locateTemporalBinary('cli');
    if (!binary) return { title, command, markdown: `Not measured: no Temporal server (${INSTALL_HINT}).` };
    const server = res.hold(
      await startDevServer({ binary: binary.path, readyTimeoutMs: 120_000 }),
      (s) => s.stop(),
      'the Temporal dev server',
    );
    const queue = `br-many-${Date.now()}`;
    const ctx = createContext({ cwd: os.tmpdir(), env: { TEMPORAL_ADDRESS: server.address } });
    ctx.config.temporal.taskQueue = queue;
    ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
    for (let i = 0; i < 2; i++)
      res.hold(
        await startWorkers(ctx, { activities: fakeActivities(0).activities, maxConcurrentActivities: 50 }),
        (w) => w.shutdown(),
        `worker set ${i + 1}`,
      );
    const { Client, Connection } = await import('@temporalio/client');
    const connection = res.hold(
      await Connection.connect({ address: server.address }),
      (c) => c.close(),
      'the client connection',
    );
    const client = new Client({ connection });
    const load = os.loadavg()[0]!.toFixed(1);
    const cpu0 = process.cpuUsage();
    const serverCpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    const ids = Array.from({ length: BUILDS }, (_, i) => `build-many-${Date.now()}-${i}`);
    const handles = await Promise.all(
      ids.map((workflowId) =>
        client.workflow.start('buildWorkflow', {
          workflowId,
          taskQueue: queue,
          args: [buildInput(tasks(), { buildId: workflowId, parallel: PARALLEL, budgetUsd: '1000' })],
          memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
        }),
      ),
    );
    const done = await Promise.all(
      handles.map(async (h) => {
        const result = (await h.result()) as BuildResult;
        return { outcome: result.outcome, ms: performance.now() - t0 };
      }),
    );
    const workerCpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6;
    const serverCpu1 = cpuSeconds(server.pid);
    const serverCpu =
      serverCpu0 !== undefined && serverCpu1 !== undefined ? serverCpu1 - serverCpu0 : undefined;
    const histories = await Promise.all(ids.map((id) => waits(client, id)));
    const split = histories.flatMap((h) => h.waits);
    const mean = (pick: (h: HistorySize) => number) =>
      Math.round(histories.reduce((n, h) => n + pick(h.size), 0) / histories.length);
    const all = split.map((w) => w.total);
    const p = (pick: (w: Wait) => number) =>
      `${pct(split.map(pick), 0.5)} / ${pct(split.map(pick), 0.95)} ms`;
    const chained = split.flatMap((w) => (w.later === undefined ? [] : [w.later]));
    const later = chained.filter((n) => n > 0);
    const afterEnd = split.filter((w) => w.later !== undefined).map((w) => w.total);
    const times = done.map((d) => d.ms);
    const succeeded = done.filter((d) => d.outcome === 'SUCCEEDED').length;
    const slowest = Math.max(...times);
    const fastest = Math.min(...times);
    return {
      title,
      command,
      markdown: [
        `${BUILDS} builds × ${CHAINS * DEPTH} tasks (${CHAINS} chains of ${DEPTH}, parallel ${PARALLEL}) started together on one task queue, two worker sets in one process, instant fake activities, temporal CLI dev server (SQLite in memory). Load average (1 min) at the start: ${load} on ${os.cpus().length} cores.`,
        '',
        '| figure | value |',
        '|---|---|',
        `| builds SUCCEEDED | ${succeeded} / ${BUILDS} |`,
        `| fastest build, start → completion | ${(fastest / 1000).toFixed(1)} s |`,
        `| slowest build, start → completion | ${(slowest / 1000).toFixed(1)} s |`,
        `| slowest / fastest | ${(slowest / fastest).toFixed(2)}× |`,
        `| ready → start, p50 / p95 / max over ${all.length} tasks | ${pct(all, 0.5)} / ${pct(all, 0.95)} / ${Math.max(...all)} ms |`,
        `| ready → start of the ${afterEnd.length} tasks made ready by another's end (not at the build's start, behind planning), p50 / p95 / max | ${pct(afterEnd, 0.5)} / ${pct(afterEnd, 0.95)} / ${Math.max(...afterEnd)} ms |`,
        `| of which ready → the build's workflow task picked up, p50 / p95 | ${p((w) => w.queued)} |`,
        `| of which that workflow task's run on the worker, p50 / p95 | ${p((w) => w.ran)} |`,
        `| of which start command → child started (server), p50 / p95 | ${p((w) => w.server)} |`,
        `| tasks made ready by another's end, started by the build's workflow task that saw the end | ${chained.filter((n) => n === 0).length} / ${chained.length} |`,
        `| the build's workflow tasks in between for the others, p50 / p95 / max | ${later.length ? `${pct(later, 0.5)} / ${pct(later, 0.95)} / ${Math.max(...later)}` : '–'} |`,
        `| a build's history: events / encoded kB / workflow tasks (mean of ${BUILDS}) | ${mean((h) => h.events)} / ${(mean((h) => h.bytes) / 1000).toFixed(0)} / ${mean((h) => h.workflowTasks)} |`,
        `| a build's history by event type (mean of ${BUILDS}) | ${eventTypes(histories.map((h) => h.size.byType))} |`,
        `| CPU seconds, start → all complete: workers' process / server | ${workerCpu.toFixed(1)} / ${serverCpu?.toFixed(1) ?? '–'} |`,
      ].join('\n'),
    };
  },
};

export default bench;
