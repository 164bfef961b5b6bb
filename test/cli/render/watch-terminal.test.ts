/**
 * `br build watch` as a person sees it: a real build on the run's Temporal dev server (real activities,
 * the scripted Anthropic server answering slowly enough to catch tasks mid-work), watched in a real
 * terminal (tmux, 150 columns) with and without NO_COLOR, and at the same time through a pipe (the
 * plain event log) and with --json (NDJSON). Each watcher is its own `br` process.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { planFromMarkdown } from '../../../lib/planner/heuristic';
import { startWorkers, type RunningWorkers } from '../../../worker/run';
import { createContext } from '../../../services/context';
import { runBr } from '../../helpers/cli';
import { describeServer, serverBundle } from '../../helpers/temporal';
import { setupRealBuild, type RealBuild } from '../../fixtures/temporal/real-build';

const BR_BIN = path.resolve(__dirname, '../../../bin/br.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const ESC = String.fromCharCode(27);

function brProcess(build: RealBuild, args: string[], env: Record<string, string> = {}) {
  const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
  const child = spawn(process.execPath, [BR_BIN, ...args], {
    cwd: build.repo,
    env: { ...process.env, ...cliEnv, BR_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  return { code, out: () => stdout, err: () => stderr };
}

describeServer('br build watch on a real build', () => {
  const socket = `br-watch-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  /** The pane with its scrollback, escape sequences kept when `raw`. */
  const pane = (name: string, raw = false) =>
    tmux('capture-pane', '-p', ...(raw ? ['-e'] : []), '-S', '-200', '-t', name);
  let build: RealBuild;
  let workers: RunningWorkers;
  /** Answers are slow until the view has shown a task mid-work; then the build finishes at full speed. */
  let slow = true;

  beforeAll(async () => {
    if (!hasTmux) throw new Error('tmux is required for the real-terminal watch test (apt-get install tmux)');
    // Each answer takes 4 s until the view has shown all it should mid-build: tasks spend long enough
    // in the agent loop to be seen there. The rest of the build runs with quick answers.
    build = await setupRealBuild({ database: 'embedded', turnDelayMs: () => (slow ? 4000 : 200) });
    const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...build.env } });
    workers = await startWorkers(ctx, { workflowBundle: await serverBundle() });
  }, 240_000);

  afterAll(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await workers?.shutdown();
    await build?.close();
  });

  it('shows titles, models, attempts, elapsed time, steps and the ETA, redrawn in place, and exits with the outcome', async () => {
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(
      ['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5', '--json'],
      {
        cwd: build.repo,
        env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
      },
    );
    expect(started.code).toBe(0);
    const buildId = (JSON.parse(started.stdout) as { buildId: string }).buildId;

    const envArgs = Object.entries(cliEnv).map(([k, v]) => `${k}='${v}'`);
    const exitFile = (name: string) => path.join(build.repo, `.exit-${name}`);
    const open = (name: string, extra: string[]) =>
      tmux(
        'new-session',
        '-d',
        '-s',
        name,
        '-x',
        '150',
        '-y',
        '40',
        [
          `cd '${build.repo}'`,
          `env -u CI -u NO_COLOR -u FORCE_COLOR ${envArgs.join(' ')} ${extra.join(' ')} BR_FROM_SOURCE=1 '${process.execPath}' '${BR_BIN}' build watch ${buildId}`,
          `echo $? > '${exitFile(name)}'`,
          'sleep 600',
        ].join('; '),
      );
    writeFileSync(exitFile('color'), '');
    writeFileSync(exitFile('plain'), '');
    open('color', []);
    open('plain', ['NO_COLOR=1']);
    const piped = brProcess(build, ['build', 'watch', buildId]);
    const json = brProcess(build, ['build', 'watch', buildId, '--json']);

    // Mid-build: a running task's row names its title, model and attempt and says what it does.
    const seen = { agent: false, waits: false, eta: false };
    // The CLI has no API key, so the build runs the heuristic plan of the spec.
    const plan = planFromMarkdown(readFileSync(path.join(build.repo, 'PROJECT_SPEC.md'), 'utf8'), 'todo-api');
    const titles = plan.tasks.map((t) => t.title.slice(0, 12));
    const until = Date.now() + 240_000;
    while (!(seen.agent && seen.waits && seen.eta)) {
      if (Date.now() > until)
        throw new Error(
          `the view never showed all of ${JSON.stringify(seen)} (titles ${JSON.stringify(titles)}):\n${pane('plain')}`,
        );
      const screen = pane('plain');
      if (process.env.BR_WATCH_TEST_TRACE)
        writeFileSync(process.env.BR_WATCH_TEST_TRACE, `${Date.now()}\n${screen}\n`, { flag: 'a' });
      for (const row of screen.split('\n').filter((l) => l.startsWith('RUNNING '))) {
        expect(row).not.toMatch(/ - | try 0 /);
        expect(row).toMatch(/ claude-(haiku|sonnet)-\S+ +try [1-9] +\d+m\d\ds /);
        if (/agent turn \d+\/\d+/.test(row) && titles.some((t) => row.includes(t))) seen.agent = true;
      }
      if (/^PENDING .* waits on \S+/m.test(screen)) seen.waits = true;
      if (
        new RegExp(
          `^${buildId}  RUNNING  \\d+m\\d\\ds  ETA \\d+[hm]\\d\\d[ms](–\\d+[hm]\\d\\d[ms])? · \\$\\d+\\.\\d\\d`,
          'm',
        ).test(screen)
      )
        seen.eta = true;
      expect(screen).not.toMatch(/Warning|MaxListeners/);
      await new Promise((r) => setTimeout(r, 500));
    }
    slow = false;

    const done = Date.now() + 300_000;
    while (
      !readFileSync(exitFile('plain'), 'utf8').trim() ||
      !readFileSync(exitFile('color'), 'utf8').trim()
    ) {
      if (Date.now() > done) throw new Error(`the watch never ended:\n${pane('plain')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(readFileSync(exitFile('plain'), 'utf8').trim()).toBe('0');
    expect(readFileSync(exitFile('color'), 'utf8').trim()).toBe('0');
    const final = pane('plain');
    // Redrawn in place: the header is on the screen once, not once per refresh.
    expect(final.split('\n').filter((l) => l.startsWith(`${buildId}  `))).toHaveLength(1);
    expect(final).toMatch(new RegExp(`^${buildId}  SUCCEEDED`, 'm'));
    expect(final.split('\n').filter((l) => l.startsWith('SUCCEEDED '))).toHaveLength(5);
    expect(final).not.toMatch(/Warning|MaxListeners/);
    // NO_COLOR: no colour sequence at all; without it, the same view in colour.
    expect(pane('plain', true)).not.toMatch(new RegExp(`${ESC}\\[[0-9;]*m`));
    expect(pane('color', true)).toMatch(new RegExp(`${ESC}\\[3[0-9]m`));

    // Through a pipe: a clean event list, oldest first, no escape sequence, no warning.
    expect(await piped.code).toBe(0);
    const lines = piped.out().trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d (build|task|step|forecast|budget|done) /);
    expect(piped.out()).not.toContain(ESC);
    expect(piped.err()).not.toMatch(/Warning/);
    expect(lines.some((l) => / step \S+ agent turn \d+\/\d+/.test(l))).toBe(true);
    expect(lines.some((l) => / task \S+ RUNNING model=claude-\S+ attempt=1 — /.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/ done SUCCEEDED cost=\$\d+\.\d+ elapsed=\d+m\d\ds$/);

    // --json: one JSON object per line, the outcome last, the exit code the build's.
    expect(await json.code).toBe(0);
    const events = json
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; status?: string; step?: { kind: string } });
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'SUCCEEDED' });
    expect(events.some((e) => e.type === 'step' && e.step?.kind === 'agent')).toBe(true);
    expect(events.some((e) => e.type === 'forecast')).toBe(true);
  }, 600_000);
});
