import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../lib/errors';
import type { EmbeddedServer } from './db-embedded-server';
import { locateTemporalBinary } from './temporal-binaries';
import { startDevServer } from './temporal-dev-server';
import { portHolder } from './port-holder';
import { assertNoRunningStack, writeDevLock } from './dev-lock';
import type { ServiceContext } from './context';
import type { LogLevel } from '@temporalio/common';
import type { LogFormat } from '../worker/logging';
import { openLogFile } from './worker';

/**
 * `br dev`: the whole local stack in one process — a Temporal dev server (an existing `temporal`
 * binary, or the SDK's downloaded one), the embedded database served to other processes, a worker
 * and the schedules. Stop it with stop() (the CLI calls it on Ctrl-C).
 */

export interface DevStack {
  temporalAddress: string;
  /** null when an existing cluster (TEMPORAL_ADDRESS) is used. */
  temporalSource: 'existing-binary' | 'sdk-download' | 'TEMPORAL_ADDRESS';
  /** null: an existing cluster (TEMPORAL_ADDRESS) whose Web UI is not configured. */
  webUiUrl: string | null;
  databaseUrl: string | null;
  database: string;
  /** Where the SDK's and the bundler's logs go. */
  logFile: string;
  stop(): Promise<void>;
}

export interface DevOptions {
  grpcPort?: number;
  uiPort?: number;
  /** Start without the worker (tests, or when workers run elsewhere). */
  worker?: boolean;
  log?: (line: string) => void;
  /** SDK and bundler logs on the screen too (they always go to .buildrunner/logs/dev.log). */
  verbose?: boolean;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
}

export class TemporalUnavailableError extends UserError {}

/** A port already listened on stops `br dev` before it starts anything, naming the process that holds it. */
function assertPortsFree(ports: [number, string][]): void {
  for (const [port, flag] of ports) {
    const holder = portHolder(port);
    if (holder)
      throw new TemporalUnavailableError(
        `Port ${port} is in use by pid ${holder.pid} (${holder.command || 'unknown command'}). ` +
          `Stop that process, or pass ${flag} N; TEMPORAL_ADDRESS=host:port uses a Temporal that is already running.`,
      );
  }
}

async function startTemporal(ctx: ServiceContext, options: DevOptions) {
  if (ctx.env.TEMPORAL_ADDRESS) {
    return {
      address: ctx.config.temporal.address,
      source: 'TEMPORAL_ADDRESS' as const,
      webUiUrl: ctx.config.temporal.webUiUrl ?? null,
      teardown: async () => {},
    };
  }
  const binary = locateTemporalBinary('cli', ctx.env)?.path;
  const uiPort = options.uiPort ?? 8233;
  assertPortsFree([
    [options.grpcPort ?? 7233, '--port'],
    [uiPort, '--ui-port'],
  ]);
  const dbFilename = path.join(ctx.root, '.buildrunner', 'temporal.db');
  if (binary) {
    mkdirSync(path.dirname(dbFilename), { recursive: true });
    // Our own start-up wait (the SDK's ~5 s is too short on a loaded machine); its own process group, so
    // Ctrl-C reaches only `br dev`, which stops the worker first and the server last.
    const server = await startDevServer({
      binary,
      port: options.grpcPort ?? 7233,
      uiPort,
      dbFilename,
      namespace: ctx.config.temporal.namespace,
      detached: true,
      watchdog: true,
    }).catch((err: unknown) => {
      throw new TemporalUnavailableError(
        `Could not start the Temporal dev server (${binary}): ${(err as Error).message.split('\n')[0]}\n` +
          'Is another server using the port? Pass --port/--ui-port, or TEMPORAL_ADDRESS=host:7233 to use a running one.',
      );
    });
    return {
      address: server.address,
      source: 'existing-binary' as const,
      webUiUrl: server.uiUrl ?? `http://127.0.0.1:${uiPort}`,
      httpAddress: server.httpAddress,
      pid: server.pid,
      ...(server.watchdogPid ? { watchdogPid: server.watchdogPid } : {}),
      teardown: () => server.stop(),
    };
  }
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: options.grpcPort ?? 7233,
        ui: true,
        uiPort,
        namespace: ctx.config.temporal.namespace,
        dbFilename,
      },
    });
    return {
      address: env.address,
      source: 'sdk-download' as const,
      webUiUrl: `http://127.0.0.1:${uiPort}`,
      teardown: () => env.teardown(),
    };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new TemporalUnavailableError(
      `Could not start a Temporal dev server: ${reason}\n` +
        'The SDK downloads the server on first use, which needs internet access. Alternatives:\n' +
        '  - docker compose up -d   (Temporal, its Web UI and PostgreSQL), then TEMPORAL_ADDRESS=localhost:7233 br dev\n' +
        '  - install the `temporal` CLI (in a BuildRunner checkout: bash scripts/install-temporal.sh; or put it on PATH / BR_TEMPORAL_CLI), and run `br dev` again\n' +
        '  - TEMPORAL_ADDRESS=host:7233 br dev   to use an existing Temporal cluster',
    );
  }
}

export async function startDevStack(ctx: ServiceContext, options: DevOptions = {}): Promise<DevStack> {
  const log = options.log ?? (() => {});
  assertNoRunningStack(ctx.root);
  // Temporal first: offline it fails within a second, before anything else is started.
  const temporal = await startTemporal(ctx, options);
  log(`Temporal: ${temporal.address} (${temporal.source})`);
  // Opened once Temporal is up: a start that fails leaves no .buildrunner/ behind.
  const logger = openLogFile(ctx, 'dev', { ...options, log });
  const logLevel = options.logLevel ?? ctx.config.logging.level;
  const stops: (() => Promise<void>)[] = [temporal.teardown];
  const unlock = writeDevLock(ctx.root, {
    pid: process.pid,
    temporalAddress: temporal.address,
    ...(temporal.webUiUrl ? { webUiUrl: temporal.webUiUrl } : {}),
    ...('httpAddress' in temporal ? { temporalHttpAddress: temporal.httpAddress } : {}),
    ...('pid' in temporal ? { temporalPid: temporal.pid } : {}),
    ...('watchdogPid' in temporal ? { watchdogPid: temporal.watchdogPid } : {}),
  });
  stops.unshift(() => Promise.resolve(unlock()));
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    let server: EmbeddedServer | null = null;
    if (!ctx.config.database.url) {
      const { startEmbeddedServer } = await import('./db-embedded-server');
      server = await startEmbeddedServer({
        root: ctx.root,
        dataDir: path.resolve(ctx.root, ctx.config.database.dataDir),
      });
      stops.push(() => server!.stop());
    }
    const databaseUrl = server?.url ?? null;
    const workerCtx: ServiceContext = {
      ...ctx,
      env: {
        ...ctx.env,
        TEMPORAL_ADDRESS: temporal.address,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      },
      config: {
        ...ctx.config,
        temporal: {
          ...ctx.config.temporal,
          address: temporal.address,
          ...(temporal.webUiUrl ? { webUiUrl: temporal.webUiUrl } : {}),
        },
        database: { ...ctx.config.database, url: databaseUrl ?? ctx.config.database.url },
      },
    };
    if (options.worker !== false) {
      const [{ startWorkers }, { installRuntime }] = await Promise.all([
        import('../worker/run'),
        import('../worker/logging'),
      ]);
      await installRuntime(logger, logLevel);
      const workers = await startWorkers(workerCtx, { logger, logLevel, events: log, log });
      stops.push(() => workers.shutdown());
      const { applySchedulesFromContext } = await import('../worker/schedules');
      await applySchedulesFromContext(workerCtx);
      log('Schedules: metrics-aggregation (hourly), retention-cleanup (daily)');
    }
    return {
      temporalAddress: temporal.address,
      temporalSource: temporal.source,
      webUiUrl: temporal.webUiUrl,
      databaseUrl,
      logFile: logger.file,
      database: databaseUrl ? `embedded PGlite served at ${databaseUrl}` : 'PostgreSQL from DATABASE_URL',
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
