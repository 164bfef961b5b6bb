import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchModule } from './types';

/**
 * CLI start-up: `br --help` and `br costs --json` on an empty embedded database, against `node -e 0`
 * (the floor any Node CLI pays), median of repeated runs. Uses the compiled CLI (dist/), whose
 * command manifest (written by `npm run build`) lets `--help` skip loading the commands. Target:
 * `br --help` within 1.5× of `node -e 0` (issue 14).
 */
const root = path.join(__dirname, '..');
const br = path.join(root, 'bin', 'br.js');

function timeRuns(args: string[], cwd: string, runs: number): { median: number; ok: boolean } {
  const times: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) ok = false;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, ok };
}

const bench: BenchModule = {
  name: 'cli',
  async run() {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-bench-cli-'));
    // The first `costs` creates and migrates the embedded database; time the runs after it.
    spawnSync(process.execPath, [br, 'costs', '--json'], { cwd, env: { ...process.env, DATABASE_URL: '' } });
    const runs = 15;
    const baseline = timeRuns(['-e', '0'], cwd, runs);
    const help = timeRuns([br, '--help'], cwd, runs);
    const costs = timeRuns([br, 'costs', '--json'], cwd, 7);
    const row = (name: string, r: { median: number; ok: boolean }) =>
      `| ${name} | ${r.median.toFixed(0)} ms | ${(r.median / baseline.median).toFixed(1)}× | ${r.ok ? 'yes' : 'NO'} |`;
    return {
      title: 'CLI start-up (issue 14 target: `br --help` within 1.5× of `node -e 0`)',
      command: 'npm run bench -- cli',
      markdown: [
        `Median wall time of ${runs} runs (7 for \`costs\`), compiled CLI, fresh embedded database in a temp folder.`,
        '',
        '| command | median | vs `node -e 0` | exit 0 |',
        '|---|---|---|---|',
        row('`node -e 0` (baseline)', baseline),
        row('`br --help`', help),
        row('`br costs --json` (empty embedded DB)', costs),
        '',
        '`br costs` opens the embedded PGlite database (WebAssembly Postgres) in-process, which dominates its time.',
        '`br --help` prints the help text stored in the command manifest (`dist/cli/manifest.json`, written by',
        '`npm run build`) without loading clipanion or any command; `br <command>` loads only its own module.',
      ].join('\n'),
    };
  },
};

export default bench;
