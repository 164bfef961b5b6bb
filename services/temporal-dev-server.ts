import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';

/**
 * Starts `temporal server start-dev` as a child process on free ports and waits until its frontend
 * answers for the namespace. The SDK's own start-up wait (about 5 s) is too short on a loaded machine,
 * so readiness is polled here with a generous deadline.
 */
export interface DevServerOptions {
  binary: string;
  port?: number;
  /** A port for the Web UI; without it the server runs headless. */
  uiPort?: number;
  /** Persistent state; in memory without it. */
  dbFilename?: string;
  namespace?: string;
  /** More namespaces to create at start (tests keep fixed-id schedules apart this way). */
  extraNamespaces?: string[];
  /** `--dynamic-config-value KEY=JSON` pairs. */
  dynamicConfig?: Record<string, unknown>;
  readyTimeoutMs?: number;
  /** Start it in its own process group (survives the parent's Ctrl-C handling, killed as a group). */
  detached?: boolean;
  /**
   * Also start a watchdog that stops the server when this process dies, however it dies (SIGKILL
   * included): it holds a pipe from this process and acts on end of file.
   */
  watchdog?: boolean;
}

export interface DevServer {
  address: string;
  /** The frontend's HTTP API (`--http-port`), `127.0.0.1:<port>`. */
  httpAddress: string;
  uiUrl: string | null;
  pid: number;
  /** The watchdog's pid, when one was asked for. */
  watchdogPid?: number;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and resolves when it has exited. */
  stop(): Promise<void>;
}

export async function waitForTemporal(
  address: string,
  namespace: string,
  deadlineMs: number,
  exited?: () => string | null,
): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const until = Date.now() + deadlineMs;
  let last = 'not tried';
  for (;;) {
    const died = exited?.();
    if (died) throw new Error(`the Temporal server exited before it was ready: ${died}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = (err as Error).message.split('\n')[0] ?? 'unknown';
    }
    if (Date.now() > until) throw new Error(`the Temporal server at ${address} was not ready: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The watchdog, run by `node -e`: its stdin is a pipe whose other end only the parent holds, so end of
 * file means the parent is gone (or has stopped the server and closed it). It then sends SIGTERM to the
 * server's process group (the pid alone if it has none), SIGKILL after 10 s, and exits. Signals from
 * the terminal are ignored: the parent handles Ctrl-C and closes the pipe itself.
 */
export const WATCHDOG_MARK = 'br-temporal-watchdog';
const WATCHDOG = `
const pid = Number(process.argv[2]);
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
const kill = (sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch {} } };
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
const stop = () => {
  kill('SIGTERM');
  const until = Date.now() + 10000;
  const poll = setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() > until) { kill('SIGKILL'); process.exit(0); }
  }, 100);
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
`;

function startWatchdog(serverPid: number): ChildProcess {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, WATCHDOG_MARK, String(serverPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => {});
  watchdog.stdin.on('error', () => {});
  // Neither the watchdog nor its pipe keeps this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  return watchdog;
}

function exitedPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  const httpPort = await freePort();
  args.push('--http-port', String(httpPort), '--metrics-port', String(await freePort()));
  for (const ns of [namespace, ...(options.extraNamespaces ?? [])]) args.push('--namespace', ns);
  args.push('--log-level', 'warn');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const child = spawn(options.binary, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: options.detached ?? false,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = exitedPromise(child);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const address = `127.0.0.1:${port}`;
  const watchdog = options.watchdog && child.pid ? startWatchdog(child.pid) : undefined;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // End of file: the watchdog finds the server gone and exits.
    watchdog?.stdin?.end();
  };
  try {
    await waitForTemporal(address, namespace, options.readyTimeoutMs ?? 60_000, () => {
      if (spawnError) return spawnError.message;
      if (child.exitCode !== null || child.signalCode !== null)
        return `exit ${child.exitCode ?? child.signalCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      return null;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  child.stderr.removeAllListeners('data');
  child.stderr.resume();
  return {
    address,
    httpAddress: `127.0.0.1:${httpPort}`,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    pid: child.pid!,
    ...(watchdog?.pid ? { watchdogPid: watchdog.pid } : {}),
    stop,
  };
}
