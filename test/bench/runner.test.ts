import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BenchResources } from '../../bench/resources';
import { BenchFailed, runBenches } from '../../bench/runner';
import type { BenchModule } from '../../bench/types';

const ROOT = path.join(__dirname, '../..');

function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the bench runner', () => {
  it('releases what a bench started when its set-up throws, and runs no bench after it', async () => {
    let child: ChildProcess | undefined;
    let server: Server | undefined;
    let ranAfter = false;
    const failing: BenchModule = {
      name: 'failing',
      async run(res) {
        child = res.hold(sleeper(), stopped, 'the server process');
        server = res.hold(
          await new Promise<Server>((resolve) => {
            const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
          }),
          (s) => new Promise<void>((resolve) => s.close(() => resolve())),
          'the listening socket',
        );
        throw new Error('startWorkers: no connection');
      },
    };
    const after: BenchModule = {
      name: 'after',
      async run() {
        ranAfter = true;
        return { title: 'after', command: '', markdown: '' };
      },
    };
    const run = runBenches([failing, after], () => {});
    await expect(run).rejects.toThrow(BenchFailed);
    await expect(run).rejects.toThrow(/bench failing failed: Error: startWorkers: no connection/);
    expect(child!.exitCode !== null || child!.signalCode !== null).toBe(true);
    expect(server!.listening).toBe(false);
    expect(ranAfter).toBe(false);
  });

  it('releases in reverse order, and a release that fails or hangs does not stop the others', async () => {
    const order: string[] = [];
    const res = new BenchResources(200);
    res.defer(() => order.push('first started'), 'first');
    res.defer(() => new Promise(() => {}), 'a hanging close');
    res.defer(() => {
      throw new Error('already gone');
    }, 'a broken close');
    res.defer(() => order.push('last started'), 'last');
    const failed = await res.close();
    expect(order).toEqual(['last started', 'first started']);
    expect(failed.map((e) => e.message)).toEqual([
      'closing a broken close: already gone',
      'closing a hanging close: not done in 200 ms',
    ]);
    expect(await res.close()).toEqual([]);
  });

  it('npm run bench ends with exit code 1 and the error when a set-up throws, its processes stopped', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-bench-runner-'));
    try {
      const pidFile = path.join(dir, 'pid');
      // A bench that starts a process, leaves a timer behind (as a library might) and then fails.
      writeFileSync(
        path.join(dir, 'boom.bench.ts'),
        `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
export default {
  name: 'boom',
  async run(res: { hold<T>(r: T, close: (r: T) => unknown): T }) {
    const child = res.hold(
      spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }),
      (c) => new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM'); }),
    );
    writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
    setInterval(() => {}, 1000);
    throw new Error('the workers did not start');
  },
};
`,
      );
      const run = spawnSync(
        process.execPath,
        ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'bench/run.ts')],
        // A liveness bound, not a timing: before the fix the run never ended.
        { cwd: dir, env: { ...process.env, BR_BENCH_DIR: dir }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.signal).toBeNull();
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('bench boom failed: Error: the workers did not start');
      expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
