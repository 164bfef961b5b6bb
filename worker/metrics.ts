import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import type { LogLevel, Logger } from '@temporalio/common';
import { installRuntime } from './logging';

export class MetricsPortInUseError extends UserError {
  constructor(host: string, port: number) {
    super(`Port ${port} on ${host} is in use. Choose another with --metrics-port N.`);
  }
}

export interface MetricsServer {
  url: string;
  /** BuildRunner's own metrics read this database at scrape time (set once the worker has opened it). */
  attach(db: Database | undefined): void;
  close(): Promise<void>;
}

/** The task states the workflows write; each is reported, at 0 too, so a missing series means "no data". */
const TASK_STATES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED'];

/** A loopback port nobody listens on now, for the SDK's exporter (it cannot report a port chosen by 0). */
async function freeLoopbackPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new MetricsPortInUseError(host, port) : err),
    );
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function buildRunnerRegistry(db: () => Database | undefined) {
  const { Registry, Gauge, Counter, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'buildrunner_' });
  // Read from the shared database at scrape time: every worker of a fleet reports the same fleet-wide
  // figures (aggregate them with max, not sum).
  new Gauge({
    name: 'buildrunner_tasks',
    help: 'Tasks in the database by state (fleet-wide)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const d = db();
      if (!d) return;
      const rows = await d.query<{ status: string; n: string }>(
        'SELECT status, count(*)::text AS n FROM "Task" GROUP BY status',
      );
      this.reset();
      for (const state of TASK_STATES) this.set({ state }, 0);
      for (const r of rows) this.set({ state: r.status }, Number(r.n));
    },
  });
  const byModel = async () =>
    (await db()?.query<{ model: string; calls: string; usd: string }>(
      'SELECT model, count(*)::text AS calls, sum(usd)::text AS usd FROM "CostEntry" GROUP BY model',
    )) ?? [];
  new Counter({
    name: 'buildrunner_claude_calls_total',
    help: 'Claude API calls in the cost ledger by served model (fleet-wide)',
    labelNames: ['model'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await byModel()) this.inc({ model: r.model }, Number(r.calls));
    },
  });
  new Counter({
    name: 'buildrunner_claude_cost_usd_total',
    help: 'Dollars spent on Claude calls in the cost ledger by served model (fleet-wide)',
    labelNames: ['model'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await byModel()) this.inc({ model: r.model }, Number(r.usd));
    },
  });
  new Gauge({
    name: 'buildrunner_budget_breaker_open',
    help: '1 while a build waits for budget (the breaker is open), else 0',
    registers: [registry],
    async collect() {
      const d = db();
      if (!d) return;
      const [row] = await d.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM "Build" WHERE status = 'WAITING_FOR_BUDGET'`,
      );
      this.set(Number(row?.n ?? 0) > 0 ? 1 : 0);
    },
  });
  return registry;
}

/**
 * `br worker --metrics-port N`: one /metrics with the Temporal SDK runtime's metrics and BuildRunner's.
 * The SDK exports only through its own Prometheus server (or OTLP), and its Runtime is installed once per
 * process, so it listens on a private loopback port and each scrape fetches it and appends BuildRunner's
 * prom-client registry: both sets on the one port the operator names, with no metric re-implemented.
 * Must run before the worker's first NativeConnection (that installs the default Runtime).
 */
export async function startMetricsServer(options: {
  port: number;
  host: string;
  /** The SDK logger the Runtime is installed with (worker/logging.ts), and its level. */
  logger?: Logger;
  logLevel?: LogLevel;
}): Promise<MetricsServer> {
  let db: Database | undefined;
  const registry = await buildRunnerRegistry(() => db);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Metrics are at /metrics\n');
      return;
    }
    void scrape().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  const port = await listen(server, options.host, options.port);
  const sdkPort = await freeLoopbackPort();
  try {
    await installRuntime(options.logger, options.logLevel ?? 'INFO', {
      prometheus: { bindAddress: `127.0.0.1:${sdkPort}` },
    });
  } catch (err) {
    await new Promise((resolve) => server.close(resolve));
    throw err;
  }
  async function scrape(): Promise<string> {
    const sdk = await fetch(`http://127.0.0.1:${sdkPort}/metrics`, {
      signal: AbortSignal.timeout(5000),
    }).then(
      async (r) => (r.ok ? await r.text() : `# Temporal SDK metrics: HTTP ${r.status}\n`),
      (err: unknown) => `# Temporal SDK metrics unavailable: ${(err as Error).message}\n`,
    );
    const own = await registry.metrics();
    return `${sdk.endsWith('\n') || !sdk ? sdk : `${sdk}\n`}${own}`;
  }
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}/metrics`,
    attach: (d) => (db = d),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
