import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../services/context';
import { INSTALL_HINT, locateTemporalBinary } from '../services/temporal-binaries';
import { freePort } from '../services/free-port';
import { startDevServer } from '../services/temporal-dev-server';
import { startWorkers } from '../worker/run';
import { buildInput, plannedTask } from '../test/fixtures/temporal/builds';
import { fakeActivities } from '../test/fixtures/temporal/fake-activities';
import type { BenchModule } from './types';

/**
 * `br build status <id>` of a RUNNING 2,000-task build, end to end (issue 31: ≤ 500 ms): each read is a
 * CLI process (compiled CLI) against a temporal CLI dev server, the build's worker in this process
 * (fake activities; the agent heartbeats its model and attempt as the real one does, then takes
 * BR_BENCH_AGENT_MS), each task waiting for the one 20 before it,
 * parallel 20. Wall and CPU (user+sys of the CLI process, from bash's `time`) per read, medians, with
 * `node -e 0` measured in the same run as the baseline: the machine is shared, so wall times are noisy.
 */
const TASKS = Number(process.env.BR_BENCH_STATUS_TASKS ?? 2000);
const AGENT_MS = Number(process.env.BR_BENCH_AGENT_MS ?? 500);
const READS = Number(process.env.BR_BENCH_READS ?? 7);
const root = path.join(__dirname, '..');
const br = path.join(root, 'bin', 'br.js');

interface Timing {
  wallMs: number;
  cpuMs: number;
  ok: boolean;
  stdout: string;
}

/** Asynchronous: the worker runs in this process and must not stand still while the CLI runs. */
function timedProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Timing> {
  return new Promise((resolve) => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'br-bench-out-')), 'stdout');
    // bash's `time` reports the user and system time of the command it runs (the node process).
    const child = spawn(
      'bash',
      ['-c', 'TIMEFORMAT="%R %U %S"; time "$@" >"$OUT"', 'bash', process.execPath, ...args],
      { cwd, env: { ...env, OUT: out }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const last = stderr.trim().split('\n').at(-1) ?? '';
      const [real, user, sys] = last.split(' ').map(Number);
      resolve({
        wallMs: (real ?? NaN) * 1000,
        cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000,
        ok: code === 0,
        stdout: readFileSync(out, 'utf8'),
      });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function series(n: number, run: () => Promise<Timing>): Promise<Timing[]> {
  const xs: Timing[] = [];
  for (let i = 0; i < n; i++) xs.push(await run());
  return xs;
}

const bench: BenchModule = {
  name: 'status-running',
  async run(res) {
    const title = `\`br build status\` of a running ${TASKS.toLocaleString('en')}-task build, end to end (issue 31: ≤ 500 ms)`;
    const command = 'npm run bench -- status-running';
    const binary = locateTemporalBinary('cli');
    if (!binary) return { title, command, markdown: `Not measured: no Temporal server (${INSTALL_HINT}).` };
    // BR_BENCH_NO_BUILD=1: dist/ is already built from this checkout.
    const build = process.env.BR_BENCH_NO_BUILD
      ? { status: 0, stderr: '' }
      : spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
    // With its Web UI: the HTTP route reads the task workflows through the UI's copy of the API.
    const server = res.hold(
      await startDevServer({ binary: binary.path, uiPort: await freePort(), readyTimeoutMs: 120_000 }),
      (s) => s.stop(),
      'the Temporal dev server',
    );
    const queue = `br-status-bench-${Date.now()}`;
    const ctx = createContext({ cwd: os.tmpdir(), env: { TEMPORAL_ADDRESS: server.address } });
    ctx.config.temporal.taskQueue = queue;
    ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
    const fakes = fakeActivities(AGENT_MS);
    const { Context } = await import('@temporalio/activity');
    const runAgent = fakes.activities.runAgent;
    // As the real agent does at each turn (activities/claude/attempt/meter.ts): its try in the heartbeat.
    fakes.activities.runAgent = (input) => {
      Context.current().heartbeat({
        model: input.model,
        attempt: input.attempt,
        turn: 1,
        maxTurns: 40,
        usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
        costUsd: '0',
      });
      return runAgent(input);
    };
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
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-bench-status-'));
    // No database: the status of a running build comes from Temporal (an empty cwd, no DATABASE_URL).
    const clientEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      DATABASE_URL: '',
    };
    delete clientEnv.TEMPORAL_HTTP_ADDRESS;
    // The HTTP route (services/build-status-http.ts) as `br dev` sets it up: the HTTP API and the Web UI known.
    const env = {
      ...clientEnv,
      TEMPORAL_HTTP_ADDRESS: server.httpAddress,
      TEMPORAL_UI_URL: server.uiUrl ?? '',
    };
    const workflowId = `build-status-bench-${Date.now()}`;
    const client = new Client({ connection });
    const plan = Array.from({ length: TASKS }, (_, i) => plannedTask(`t${i}`, i >= 20 ? [`t${i - 20}`] : []));
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId,
      taskQueue: queue,
      args: [buildInput(plan, { buildId: workflowId, parallel: 20, budgetUsd: '1000' })],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
    // Until 20 tasks run (the scheduler's first wave).
    for (let i = 0; i < 120; i++) {
      const p = await handle.query<{ counts: { RUNNING: number } }>('progress').catch(() => null);
      if (p && p.counts.RUNNING >= 20) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const loadStart = os.loadavg()[0]!;
    await series(2, () => timedProcess(['-e', '0'], env, cwd)); // warm the file cache
    const baseline = await series(READS, () => timedProcess(['-e', '0'], env, cwd));
    await timedProcess([br, 'build', 'status', workflowId, '--json'], env, cwd); // first run fills caches
    const reads = await series(READS, () =>
      timedProcess([br, 'build', 'status', workflowId, '--json'], env, cwd),
    );
    const text = await series(READS, () => timedProcess([br, 'build', 'status', workflowId], env, cwd));
    const viaClient = await series(READS, () =>
      timedProcess([br, 'build', 'status', workflowId, '--json'], clientEnv, cwd),
    );
    const loadEnd = os.loadavg()[0]!;
    const shown = reads.map((r) => {
      try {
        const s = JSON.parse(r.stdout) as {
          status: string;
          tasks: unknown[];
          counts: { RUNNING: number; SUCCEEDED: number };
          forecast: unknown;
        };
        return `${s.status} ${s.tasks.length} tasks, ${s.counts.RUNNING} running, ${s.counts.SUCCEEDED} done, forecast ${s.forecast ? 'yes' : 'no'}`;
      } catch {
        return 'not JSON';
      }
    });
    const base = { wall: median(baseline.map((b) => b.wallMs)), cpu: median(baseline.map((b) => b.cpuMs)) };
    const row = (label: string, xs: Timing[]) => {
      const wall = median(xs.map((x) => x.wallMs));
      const cpu = median(xs.map((x) => x.cpuMs));
      return `| ${label} | ${wall.toFixed(0)} ms | ${(wall / base.wall).toFixed(1)}× | ${cpu.toFixed(0)} ms | ${(cpu / base.cpu).toFixed(1)}× | ${Math.min(...xs.map((x) => x.wallMs)).toFixed(0)}–${Math.max(...xs.map((x) => x.wallMs)).toFixed(0)} ms | ${xs.every((x) => x.ok) ? 'yes' : 'NO'} |`;
    };
    return {
      title,
      command,
      markdown: [
        `${TASKS} tasks (each waits for the one 20 before it), parallel 20, fake activities (the agent heartbeats its try as the real one does, then takes ${AGENT_MS} ms), the build's worker in the bench process, temporal CLI dev server (SQLite in memory) with its Web UI, no database (the running build is answered by Temporal). The first two reads go over Temporal's HTTP API (TEMPORAL_HTTP_ADDRESS and TEMPORAL_UI_URL set, as \`br dev\` sets them up), the third through the gRPC client (no HTTP address). Each read is a CLI process (compiled CLI, \`bin/br.js\`), timed with bash's \`time\`; medians of ${READS}, after one unmeasured read. Load average (1 min): ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end, on ${os.cpus().length} cores.`,
        '',
        '| command | wall (median) | vs `node -e 0` | CPU user+sys (median) | vs `node -e 0` | wall range | exit 0 |',
        '|---|---|---|---|---|---|---|',
        row('`node -e 0` (baseline)', baseline),
        row('`br build status <id> --json`', reads),
        row('`br build status <id>` (text)', text),
        row('`br build status <id> --json`, gRPC client (no HTTP address)', viaClient),
        '',
        `What the --json reads showed: ${[...new Set(shown)].slice(0, 3).join('; ')}${new Set(shown).size > 3 ? '; …' : ''}.`,
      ].join('\n'),
    };
  },
};

export default bench;
