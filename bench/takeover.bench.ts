import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { taskWorkflowId } from '../lib/ids';
import { locateTemporalBinary, INSTALL_HINT } from '../services/temporal-binaries';
import { startDevServer } from '../services/temporal-dev-server';
import { AGENT_HEARTBEAT, RECORD_HEARTBEAT } from '../workflows/activity-profiles';
import { STICKY_QUEUE_TIMEOUT, HEARTBEAT_THROTTLE } from '../worker/config';
import { KEEP_ALIVE_MS } from '../activities/claude/activity-context';
import { BACKOFF_BASE_MS } from '../workflows/core/fallback';
import { runBr } from '../test/helpers/cli';
import { historyTimeline } from '../test/helpers/history-timeline';
import { buildWorkflowBundles, removeWorkflowBundles } from '../test/setup/workflow-bundles';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../test/fixtures/temporal/real-build';
import type { BenchModule } from './types';

/**
 * Takeover after a worker dies (issue 27): two `br worker` processes run a real build (the scripted
 * Anthropic server answering each turn in TURN_MS); each round SIGKILLs the worker running an agent and
 * measures the seconds until that task's agent opens a new conversation on the surviving worker. A
 * replacement worker is started at once (a supervisor would), but the survivor is already polling, so
 * the figure is the takeover itself, not a worker's start-up. One figure per kill: its slowest victim.
 */
const KILLS = Number(process.env.BENCH_KILLS ?? 10);
const TURN_MS = 4000;
const TASKS = 80;

function spec(tag: string): string {
  const sections = Array.from(
    { length: TASKS },
    (_, i) => `## Part ${i + 1}\n\n- [ ] Add \`src/part${i + 1}.js\` exporting part ${i + 1}\n`,
  );
  return `# Takeover bench ${tag}\n\n${sections.join('\n')}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Victim {
  task: string;
  pid: number;
}

/** Agents running now: task and the pid of the worker running its runAgent (from Temporal's pending activity). */
async function runningAgents(client: Client, buildId: string, build: RealBuild): Promise<Victim[]> {
  const recent = new Set(build.arrivals.filter((a) => Date.now() - a.at < 3 * TURN_MS).map((a) => a.task));
  const found: Victim[] = [];
  for (const task of recent) {
    const d = await client.workflow
      .getHandle(taskWorkflowId(buildId, task))
      .describe()
      .catch(() => undefined);
    for (const a of d?.raw.pendingActivities ?? []) {
      const pid = Number.parseInt(a.lastWorkerIdentity ?? '', 10);
      // State 2: STARTED (a worker is running it).
      if (a.activityType?.name === 'runAgent' && Number(a.state) === 2 && pid) found.push({ task, pid });
    }
  }
  return found;
}

/** Pids of the workers running one of the build workflow's record steps now. */
async function buildRecordPids(client: Client, buildId: string): Promise<number[]> {
  const d = await client.workflow
    .getHandle(buildId)
    .describe()
    .catch(() => undefined);
  return (d?.raw.pendingActivities ?? [])
    .filter((a) => ['recordTask', 'emitEvents'].includes(a.activityType?.name ?? '') && Number(a.state) === 2)
    .map((a) => Number.parseInt(a.lastWorkerIdentity ?? '', 10));
}

/** BENCH_TIMELINE=1 (or a slow takeover): the victim's task workflow (and the build's), event by event. */
async function timeline(
  client: Client,
  buildId: string,
  task: string,
  killedAt: number,
  withBuild: boolean,
): Promise<void> {
  for (const id of withBuild ? [taskWorkflowId(buildId, task), buildId] : [taskWorkflowId(buildId, task)])
    for (const line of await historyTimeline(client, id, killedAt))
      process.stderr.write(`  ${id === buildId ? 'build' : 'task '} ${line}\n`);
}

const bench: BenchModule = {
  name: 'takeover',
  async run(res) {
    const cli = locateTemporalBinary('cli');
    if (!cli) throw new Error(`no temporal CLI: ${INSTALL_HINT}`);
    const server = res.hold(
      await startDevServer({ binary: cli.path, readyTimeoutMs: 120_000 }),
      (s) => s.stop(),
      'the Temporal dev server',
    );
    process.env.BR_TEST_TEMPORAL_ADDRESS = server.address;
    res.defer(removeWorkflowBundles, 'the workflow bundles');
    await buildWorkflowBundles();
    const build = res.hold(
      await setupRealBuild({ database: 'embedded', turnDelayMs: TURN_MS }),
      (b) => b.close(),
      'the real build (repository, database, scripted Anthropic server)',
    );
    const connection = res.hold(
      await Connection.connect({ address: server.address }),
      (c) => c.close(),
      'the client connection',
    );
    const workers: WorkerProcess[] = [];
    res.defer(() => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    }, 'the br worker processes');
    const client = new Client({ connection });
    const samples: { ms: number; victims: string[] }[] = [];
    const load: number[] = [];
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const start = async (n: number) => {
      const file = `TAKEOVER_${n}.md`;
      writeFileSync(path.join(build.repo, file), spec(`${build.taskQueue} ${n}`));
      const started = await runBr(
        ['build', 'start', file, '--heuristic-plan', '--parallel', '4', '--budget', '50'],
        { cwd: build.repo, env: { ...cliEnv, ANTHROPIC_API_KEY: undefined } },
      );
      if (started.code !== 0) throw new Error(`build start failed: ${started.stderr}`);
      return /Started build (\S+)/.exec(started.stdout)![1]!;
    };
    for (let i = 0; i < 2; i++) workers.push(spawnWorker(build));
    for (const w of workers) await workerReady(w);
    let builds = 0;
    let buildId = await start(builds++);
    while (samples.length < KILLS) {
      const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const described = await client.workflow.getHandle(buildId).describe();
      if (described.status.name !== 'RUNNING') buildId = await start(builds++);
      const agents = await runningAgents(client, buildId, build);
      // BENCH_KILL_IN_RECORD=1: kill only while the build workflow's own record step (recordTask,
      // emitEvents) runs on the worker too, the case a slow takeover was traced to.
      const recording = process.env.BENCH_KILL_IN_RECORD ? await buildRecordPids(client, buildId) : undefined;
      const target = alive.find(
        (w) => agents.some((a) => a.pid === w.child.pid) && (!recording || recording.includes(w.child.pid!)),
      );
      // Both workers up and ready, and the victim has an agent running: kill it.
      if (!target || alive.length < 2) {
        await sleep(recording ? 20 : 300);
        continue;
      }
      const victims = agents.filter((a) => a.pid === target.child.pid).map((a) => a.task);
      load.push(os.loadavg()[0]!);
      target.child.kill('SIGKILL');
      const killedAt = Date.now();
      await target.exited;
      const replacement = spawnWorker(build);
      workers.push(replacement);
      const pickups: number[] = [];
      for (const task of victims) {
        for (;;) {
          const again = build.arrivals.find((a) => a.first && a.task === task && a.at > killedAt);
          if (again) {
            pickups.push(again.at - killedAt);
            break;
          }
          if (Date.now() - killedAt > 300_000) throw new Error(`${task} never picked up`);
          await sleep(100);
        }
      }
      samples.push({ ms: Math.max(...pickups), victims });
      if (process.env.BENCH_TIMELINE || Math.max(...pickups) > 20_000) {
        process.stderr.write(`kill at ${new Date(killedAt).toISOString()} of pid ${target.child.pid}\n`);
        for (const task of victims)
          await timeline(client, buildId, task, killedAt, Math.max(...pickups) > 20_000);
      }
      process.stderr.write(
        `kill ${samples.length}/${KILLS}: ${victims.join(', ')} picked up after ${pickups.map(s).join(', ')}\n`,
      );
      await workerReady(replacement);
    }
    const ms = samples.map((x) => x.ms);
    const figures = `min ${s(Math.min(...ms))}, median ${s(pct(ms, 50))}, p95 ${s(pct(ms, 95))}`;
    const settings =
      `agent heartbeat timeout ${AGENT_HEARTBEAT}, record steps' heartbeat timeout ${RECORD_HEARTBEAT}, keep-alive heartbeat every ${KEEP_ALIVE_MS / 1000} s, ` +
      `heartbeat throttle ${HEARTBEAT_THROTTLE}, sticky queue schedule-to-start ${STICKY_QUEUE_TIMEOUT}, ` +
      `a lost worker's try runs again at once (other transient failures back off from ${BACKOFF_BASE_MS / 1000} s)`;
    process.stdout.write(`takeover over ${KILLS} kills: ${figures}\nsettings: ${settings}\n`);
    return {
      title: 'Takeover after a worker is killed',
      command: 'npm run bench -- takeover',
      markdown: [
        `Seconds from SIGKILL of a \`br worker\` running an agent to that task's agent opening a new conversation on the other worker (a real build on a local Temporal dev server, the embedded database, the scripted Anthropic server answering each turn in ${TURN_MS / 1000} s, parallel 4, two workers). ${KILLS} kills${process.env.BENCH_KILL_IN_RECORD ? ", each while the build workflow's own record step ran on the killed worker (BENCH_KILL_IN_RECORD=1)" : ''}; one figure per kill, its slowest victim.`,
        '',
        `**${figures}**`,
        '',
        `Settings: ${settings}.`,
        '',
        '| kill | agents taken over | pickup |',
        '|---|---|---|',
        ...samples.map((x, i) => `| ${i + 1} | ${x.victims.join(', ')} | ${s(x.ms)} |`),
        '',
        `Load average (1 min) at each kill: ${load.map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores (the machine is shared).`,
      ].join('\n'),
    };
  },
};

export default bench;
