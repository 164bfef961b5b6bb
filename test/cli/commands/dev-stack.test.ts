/**
 * `br dev` as a user runs it: its own process starting the Temporal dev server (persistent file under
 * .buildrunner/, Web UI), the embedded database server and a worker. A build started from another
 * "terminal" succeeds against it, a second `br dev` says it is already running, and Ctrl-C (SIGINT)
 * stops everything: no child process left, the ports free again.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../../services/free-port';
import type { DevLock } from '../../../services/dev-lock';
import { runBr } from '../../helpers/cli';
import { describeServer } from '../../helpers/temporal';
import { setupRealBuild, type RealBuild } from '../../fixtures/temporal/real-build';

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describeServer('br dev', () => {
  let build: RealBuild;
  beforeAll(async () => void (build = await setupRealBuild({ database: 'none' })), 60_000);
  afterAll(async () => build?.close());

  it('starts the real stack, runs a build, refuses a second copy and stops everything on Ctrl-C', async () => {
    const [grpc, ui] = [await freePort(), await freePort()];
    const { TEMPORAL_ADDRESS: _ignored, ...env } = build.env;
    const root = path.join(__dirname, '../../..');
    const dev = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        path.join(root, 'cli/bin.ts'),
        'dev',
        '--port',
        String(grpc),
        '--ui-port',
        String(ui),
      ],
      {
        cwd: build.repo,
        env: { ...process.env, ...env, TEMPORAL_ADDRESS: '', DATABASE_URL: '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    dev.stdout.on('data', (c: Buffer) => (out += c.toString()));
    dev.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 600 && !/Ready\./.test(out); i++) {
        if (dev.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(out).toMatch(/Ready\./);
      expect(out).toContain(`Temporal gRPC  127.0.0.1:${grpc}`);
      expect(out).toContain(`Web UI         http://127.0.0.1:${ui}`);
      expect(out).toMatch(/Database {7}embedded PGlite served at postgresql:\/\/postgres@127\.0\.0\.1:\d+/);
      expect(existsSync(path.join(build.repo, '.buildrunner', 'temporal.db'))).toBe(true);
      const lock = JSON.parse(
        readFileSync(path.join(build.repo, '.buildrunner', 'dev.json'), 'utf8'),
      ) as DevLock;
      expect(lock.temporalPid).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${ui}/`)).status).toBe(200);

      const second = await runBr(['dev'], { cwd: build.repo });
      expect(second.code).toBe(1);
      expect(second.stderr + second.stdout).toMatch(/already running here \(br dev, pid \d+\)/);

      const { ANTHROPIC_API_KEY: _key, ANTHROPIC_BASE_URL: _url, ...cliEnv } = env;
      const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--budget', '5', '--watch'], {
        cwd: build.repo,
        env: {
          ...cliEnv,
          TEMPORAL_ADDRESS: `127.0.0.1:${grpc}`,
          ANTHROPIC_API_KEY: undefined,
          DATABASE_URL: undefined,
        },
      });
      expect(started.stdout).toMatch(/ done SUCCEEDED /);
      // The Web UI link is the one this br dev serves (its ports are not the defaults).
      const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
      const status = await runBr(['build', 'status', buildId], {
        cwd: build.repo,
        env: {
          ...cliEnv,
          TEMPORAL_ADDRESS: `127.0.0.1:${grpc}`,
          ANTHROPIC_API_KEY: undefined,
          DATABASE_URL: undefined,
        },
      });
      expect(status.stdout).toContain(
        `Web UI: http://127.0.0.1:${ui}/namespaces/default/workflows/${buildId}`,
      );

      dev.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('Stopped.');
      expect(alive(lock.temporalPid!)).toBe(false);
      expect(await portFree(grpc)).toBe(true);
      expect(await portFree(ui)).toBe(true);
      expect(existsSync(path.join(build.repo, '.buildrunner', 'dev.json'))).toBe(false);
    } finally {
      if (dev.exitCode === null) dev.kill('SIGKILL');
    }
  }, 300_000);
});
