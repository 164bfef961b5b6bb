/**
 * `br dev` leaves nothing behind, however it stops: the real process, its real Temporal dev server
 * (with the watchdog), the embedded database server and the worker.
 * - Ctrl-C under `br dev 2>&1 | tee dev.log`: SIGINT reaches the whole process group, tee dies, and
 *   every line br dev writes while stopping gets EPIPE;
 * - SIGTERM, and SIGHUP (the terminal closed);
 * - SIGKILL: br dev cannot clean up, its watchdog stops the server within seconds.
 * Each case then checks that no process is left (br dev, the server, the watchdog, anything with the
 * gRPC port on its command line) and that the gRPC and Web UI ports are free. The SIGTERM and SIGHUP
 * cases also check the screen: the summary, no SDK log line (those are in .buildrunner/logs/dev.log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../../services/free-port';
import type { DevLock } from '../../../services/dev-lock';
import { describeServer } from '../../helpers/temporal';
import { setupRealBuild, type RealBuild } from '../../fixtures/temporal/real-build';

const ROOT = path.join(__dirname, '../../..');
/** Lines as the Temporal SDK's default logger, its core or webpack write them. */
const SDK_LINE = /\[(INFO|WARN|DEBUG|TRACE)\]|Worker state changed|sdkComponent|webpack|Workflow bundle/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) is not left running.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Live processes whose command line names this gRPC port (`--port N`) or watches this server pid. */
function processesFor(grpc: number, temporalPid: number | undefined): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const port = args.some((a, i) => a === '--port' && args[i + 1] === String(grpc));
    const watchdog = args.includes('br-temporal-watchdog') && args.includes(String(temporalPid));
    if ((port || watchdog) && alive(Number(entry))) found.push(Number(entry));
  }
  return found;
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  log = () => '',
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await sleep(200);
  }
}

describeServer('br dev leaves no process behind', () => {
  let build: RealBuild;
  beforeAll(async () => void (build = await setupRealBuild({ database: 'none' })), 60_000);
  afterAll(async () => build?.close());

  const env = () => {
    const { TEMPORAL_ADDRESS: _t, ...rest } = build.env;
    return { ...process.env, ...rest, TEMPORAL_ADDRESS: '', DATABASE_URL: '', NO_COLOR: '1' };
  };
  const brDev = (grpc: number, ui: number) => [
    process.execPath,
    '--import',
    pathToFileURL(require.resolve('tsx')).href,
    path.join(ROOT, 'cli/bin.ts'),
    'dev',
    '--port',
    String(grpc),
    '--ui-port',
    String(ui),
  ];
  const lockFile = () => path.join(build.repo, '.buildrunner', 'dev.json');

  /** Waits for "Ready." and returns the lock br dev wrote (its pid, the server's, the watchdog's). */
  async function ready(output: () => string, child: ChildProcess): Promise<DevLock> {
    await until('Ready.', () => /Ready\./.test(output()) || child.exitCode !== null, 180_000, output);
    expect(output()).toMatch(/Ready\./);
    const lock = JSON.parse(readFileSync(lockFile(), 'utf8')) as DevLock;
    expect(alive(lock.temporalPid)).toBe(true);
    expect(alive(lock.watchdogPid)).toBe(true);
    return lock;
  }

  async function expectNothingLeft(lock: DevLock, grpc: number, ui: number) {
    await until(
      'every process to be gone',
      () => [lock.pid, lock.temporalPid, lock.watchdogPid].every((p) => !alive(p)),
      30_000,
      () => JSON.stringify({ lock, left: processesFor(grpc, lock.temporalPid) }),
    );
    expect(processesFor(grpc, lock.temporalPid)).toEqual([]);
    expect(await portFree(grpc)).toBe(true);
    expect(await portFree(ui)).toBe(true);
  }

  it('Ctrl-C under `| tee`: tee dies, stdout is a broken pipe, the stack still stops', async () => {
    const [grpc, ui] = [await freePort(), await freePort()];
    const log = path.join(build.repo, `dev-${grpc}.log`);
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    // Its own session and process group, as a terminal gives a pipeline: Ctrl-C goes to the group.
    const shell = spawn(
      'bash',
      [
        '-c', // br dev's exit code goes to a file: the pipeline's status is tee's.
        `(${brDev(grpc, ui).map(quote).join(' ')}; echo "exit $?" > ${quote(log)}.code) 2>&1 | tee ${quote(log)}`,
      ],
      {
        cwd: build.repo,
        env: env(),
        stdio: 'ignore',
        detached: true,
      },
    );
    const output = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    try {
      const lock = await ready(output, shell);
      process.kill(-shell.pid!, 'SIGINT');
      await expectNothingLeft(lock, grpc, ui);
      expect(readFileSync(`${log}.code`, 'utf8')).toBe('exit 0\n');
      expect(existsSync(lockFile())).toBe(false); // removed last, after the server stopped
      expect(output()).not.toContain('Stopped.'); // tee was gone: the lines were lost, not the cleanup
    } finally {
      try {
        process.kill(-shell.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }, 300_000);

  for (const signal of ['SIGTERM', 'SIGHUP'] as const)
    it(`${signal} stops everything and exits 0`, async () => {
      const [grpc, ui] = [await freePort(), await freePort()];
      const [cmd, ...args] = brDev(grpc, ui);
      const dev = spawn(cmd!, args, { cwd: build.repo, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      dev.stdout.on('data', (c: Buffer) => (out += c.toString()));
      dev.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
      try {
        const lock = await ready(() => out, dev);
        dev.kill(signal);
        expect(await exited).toBe(0);
        expect(out).toContain('Stopped.');
        // A calm screen: the summary and no SDK log line; those are in the log file.
        const devLog = path.join(build.repo, '.buildrunner', 'logs', 'dev.log');
        expect(out).toContain(`Logs           ${devLog}   (--verbose shows them here)`);
        expect(out).toMatch(/^Polling \S+ .*, \d+ at once, as /m);
        expect(out.split('\n').filter((l) => SDK_LINE.test(l))).toEqual([]);
        expect(readFileSync(devLog, 'utf8')).toMatch(/\[INFO\] Worker state changed .*"state":"STOPPED"/);
        await expectNothingLeft(lock, grpc, ui);
      } finally {
        if (dev.exitCode === null) dev.kill('SIGKILL');
      }
    }, 300_000);

  it('SIGKILL: the watchdog stops the Temporal server within seconds', async () => {
    const [grpc, ui] = [await freePort(), await freePort()];
    const [cmd, ...args] = brDev(grpc, ui);
    const dev = spawn(cmd!, args, { cwd: build.repo, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout.on('data', (c: Buffer) => (out += c.toString()));
    dev.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const lock = await ready(() => out, dev);
      const killedAt = Date.now();
      dev.kill('SIGKILL');
      await expectNothingLeft(lock, grpc, ui);
      expect(Date.now() - killedAt).toBeLessThan(15_000);
    } finally {
      if (dev.exitCode === null) dev.kill('SIGKILL');
    }
  }, 300_000);
});
