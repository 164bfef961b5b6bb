import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { locateTemporalBinary } from '../services/temporal-binaries';
import { startDevServer } from '../services/temporal-dev-server';
import { BUNDLE_FILE, writeWorkflowBundle } from '../worker/bundle';
import type { BenchModule } from './types';

/**
 * `br worker` start-up: seconds from spawning the process to its "Ready." line, against a local
 * Temporal dev server and the embedded database (migrated by a warm-up run first). Two ways, taken in
 * turn so that the machine's load falls on both alike: with the prebuilt dist/workflows.bundle.js
 * (after `npm run build`), and without it, when the worker bundles the workflow code with webpack at
 * start, as every worker did before the prebuilt bundle.
 */
const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function timeToReady(cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'cli/bin.ts'), 'worker'],
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (/^Ready\./m.test(out)) resolve((performance.now() - started) / 1000);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', () => reject(new Error(`br worker exited before Ready.:\n${out}`)));
  });
  child.kill('SIGTERM');
  await exited;
  return ready;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (x: number) => `${x.toFixed(2)} s`;

const bench: BenchModule = {
  name: 'worker-startup',
  async run(res) {
    const cli = locateTemporalBinary('cli');
    if (!cli) throw new Error('no temporal CLI: bash scripts/install-temporal.sh');
    const server = res.hold(
      await startDevServer({ binary: cli.path, readyTimeoutMs: 120_000 }),
      (s) => s.stop(),
      'the Temporal dev server',
    );
    const cwd = res.hold(
      mkdtempSync(path.join(os.tmpdir(), 'br-bench-worker-')),
      (dir) => rmSync(dir, { recursive: true, force: true }),
      'the temporary folder',
    );
    const bundle = path.join(ROOT, BUNDLE_FILE);
    const aside = `${bundle}.aside`;
    res.defer(() => {
      if (existsSync(aside) && !existsSync(bundle)) renameSync(aside, bundle);
    }, 'the workflow bundle moved aside');
    execFileSync('git', ['init', '-q'], { cwd });
    const { BR_WORKFLOW_BUNDLE: _b, DATABASE_URL: _d, ...rest } = process.env;
    const env = { ...rest, TEMPORAL_ADDRESS: server.address, NO_COLOR: '1' };
    await writeWorkflowBundle(ROOT);
    await timeToReady(cwd, env); // warm-up: the embedded database is created and migrated
    const prebuilt: number[] = [];
    const bundling: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      load.push(os.loadavg()[0]!);
      prebuilt.push(await timeToReady(cwd, env));
      renameSync(bundle, aside);
      try {
        bundling.push(await timeToReady(cwd, env));
      } finally {
        renameSync(aside, bundle);
      }
    }
    const row = (name: string, xs: number[]) =>
      `| ${name} | ${s(median(xs))} | ${s(Math.min(...xs))} | ${s(Math.max(...xs))} | ${xs.map((x) => x.toFixed(2)).join(', ')} |`;
    return {
      title: '`br worker` start-up, prebuilt workflow bundle vs bundling at start',
      command: 'npm run bench -- worker-startup',
      markdown: [
        `Seconds from spawning \`br worker\` (from the sources, through tsx; every queue; schedules applied) to its \`Ready.\` line, against a local Temporal dev server and the embedded database. ${RUNS} runs each, taken in turn, after one warm-up run. "Bundling at start" is the same worker with dist/workflows.bundle.js moved aside, so it runs webpack over workflows/index.ts as every worker start did before the prebuilt bundle.`,
        '',
        '| workflow code | median | min | max | runs |',
        '|---|---|---|---|---|',
        row('prebuilt dist/workflows.bundle.js', prebuilt),
        row('bundling at start (before)', bundling),
        '',
        `Median saved per start: ${s(median(bundling) - median(prebuilt))} (${(median(bundling) / median(prebuilt)).toFixed(1)}× faster with the prebuilt bundle). Load average (1 min) at each pair's start: ${load.map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores (the machine is shared).`,
      ].join('\n'),
    };
  },
};

export default bench;
