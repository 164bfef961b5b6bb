/**
 * `br worker` as a person sees it: the real process, a real build. The screen has the start-up summary
 * (address, queues with their limits, log file, "Ready."), then one line per build event (started,
 * finished) and the drain; the Temporal SDK's logs are in .buildrunner/logs/worker.log, not on the
 * screen. `--verbose --log-format json --log-level WARN` brings JSON lines at WARN and up to both.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runBr } from '../helpers/cli';
import { describeServer } from '../helpers/temporal';
import { setupRealBuild, spawnWorker, workerReady, type RealBuild } from '../fixtures/temporal/real-build';

/** Lines as the Temporal SDK's default logger or its core writes them. */
const SDK_LINE = /\[(INFO|WARN|DEBUG|TRACE)\]|Worker state changed|No Nexus services registered|sdkComponent/;

describeServer('br worker on screen and in its log file', () => {
  let build: RealBuild;
  beforeAll(async () => void (build = await setupRealBuild({ database: 'embedded' })), 120_000);
  afterAll(async () => build?.close());
  const logFile = () => path.join(build.repo, '.buildrunner', 'logs', 'worker.log');

  it('prints a summary and the build events; the SDK logs go to the file', async () => {
    const worker = spawnWorker(build);
    try {
      await workerReady(worker);
      for (let i = 0; i < 100 && !/Ready\./.test(worker.output()); i++)
        await new Promise((r) => setTimeout(r, 100));
      const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
      const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--budget', '5', '--watch'], {
        cwd: build.repo,
        env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
      });
      expect(started.stdout).toMatch(/ done SUCCEEDED /);
      const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
      for (let i = 0; i < 100 && !worker.output().includes(`Build ${buildId} finished`); i++)
        await new Promise((r) => setTimeout(r, 100));
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe('0');

      const lines = worker.output().trimEnd().split('\n');
      expect(lines[0]).toMatch(/^Temporal \S+, namespace \S+$/);
      expect(lines).toContain(`Logs      ${logFile()} (INFO; --verbose shows them here)`);
      expect(lines.filter((l) => /^Polling \S+ .*, \d+ at once, as /.test(l)).length).toBeGreaterThanOrEqual(
        2,
      );
      expect(lines).toContain('Ready. Ctrl-C or SIGTERM drains and stops.');
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^Build ${buildId} started: \\d+ task\\(s\\), budget \\$5`)),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^Build ${buildId} finished: SUCCEEDED \\(\\$[\\d.]+ spent\\)$`)),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^Draining: no new work/));
      expect(lines.at(-1)).toBe('Worker stopped.');
      expect(lines.filter((l) => SDK_LINE.test(l))).toEqual([]);
      // The whole screen stays short: the summary, two build lines and the drain.
      expect(lines.length).toBeLessThan(20);

      const file = readFileSync(logFile(), 'utf8');
      expect(file).toMatch(/^\S+Z \[INFO\] Worker state changed .*"state":"RUNNING"/m);
      expect(file).toMatch(/\[INFO\] Worker state changed .*"state":"STOPPED"/);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  }, 300_000);

  it('--verbose --log-format json --log-level WARN: JSON at WARN and up, on screen and in the file', async () => {
    const before = existsSync(logFile()) ? readFileSync(logFile(), 'utf8').length : 0;
    const worker = spawnWorker(build, ['--verbose', '--log-format', 'json', '--log-level', 'WARN']);
    try {
      await workerReady(worker);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe('0');
      const added = readFileSync(logFile(), 'utf8').slice(before).trim().split('\n');
      expect(added.length).toBeGreaterThan(0);
      const entries = added.map((l) => JSON.parse(l) as { time: string; level: string; message: string });
      expect(entries.every((e) => e.level === 'WARN' || e.level === 'ERROR')).toBe(true);
      // The Claude queues poll no workflows: the SDK warns, once per queue.
      expect(entries.map((e) => e.message)).toContain(
        'No workflows registered, not polling for workflow tasks',
      );
      for (const line of added) expect(worker.output()).toContain(line);
      expect(worker.output()).toContain('(WARN, also here)');
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  }, 300_000);

  it('SIGHUP (its terminal closed) drains and stops like Ctrl-C, exit 0', async () => {
    const worker = spawnWorker(build);
    try {
      await workerReady(worker);
      for (let i = 0; i < 100 && !/Ready\./.test(worker.output()); i++)
        await new Promise((r) => setTimeout(r, 100));
      worker.child.kill('SIGHUP');
      expect(await worker.exited).toBe('0');
      expect(worker.output()).toMatch(/Draining: no new work/);
      expect(worker.output().trimEnd().split('\n').at(-1)).toBe('Worker stopped.');
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  }, 300_000);
});
