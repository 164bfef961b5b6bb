import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../lib/errors';
import type { EmbeddedServer } from '../lib/db/embedded-server';
import type { ServiceContext } from './context';

/**
 * `br dev`: the whole local stack in one process — a Temporal dev server (an existing `temporal`
 * binary, or the SDK's downloaded one), the embedded database served to other processes, a worker
 * and the schedules. Stop it with stop() (the CLI calls it on Ctrl-C).
 */

export interface DevStack {
  temporalAddress: string;
  /** null when an existing cluster (TEMPORAL_ADDRESS) is used. */
  temporalSource: 'existing-binary' | 'sdk-download' | 'TEMPORAL_ADDRESS';
  webUiUrl: string;
  databaseUrl: string | null;
  database: string;
  stop(): Promise<void>;
}

export interface DevOptions {
  grpcPort?: number;
  uiPort?: number;
  /** Start without the worker (tests, or when workers run elsewhere). */
  worker?: boolean;
  log?: (line: string) => void;
}

export class TemporalUnavailableError extends UserError {}

function temporalOnPath(env: NodeJS.ProcessEnv): string | null {
  const probe = spawnSync('sh', ['-c', 'command -v temporal'], { env, encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() || null : null;
}

async function startTemporal(ctx: ServiceContext, options: DevOptions) {
  if (ctx.env.TEMPORAL_ADDRESS) {
    return {
      address: ctx.config.temporal.address,
      source: 'TEMPORAL_ADDRESS' as const,
      webUiUrl: ctx.config.temporal.webUiUrl,
      teardown: async () => {},
    };
  }
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const binary = temporalOnPath(ctx.env);
  const uiPort = options.uiPort ?? 8233;
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ...(binary ? { executable: { type: 'existing-path' as const, path: binary } } : {}),
        ip: '127.0.0.1',
        port: options.grpcPort ?? 7233,
        ui: true,
        uiPort,
        namespace: ctx.config.temporal.namespace,
        dbFilename: path.join(ctx.root, '.buildrunner', 'temporal.db'),
      },
    });
    return {
      address: env.address,
      source: binary ? ('existing-binary' as const) : ('sdk-download' as const),
      webUiUrl: `http://127.0.0.1:${uiPort}`,
      teardown: () => env.teardown(),
    };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new TemporalUnavailableError(
      `Could not start a Temporal dev server: ${reason}\n` +
        'The SDK downloads the server on first use, which needs internet access. Alternatives:\n' +
        '  - docker compose up -d   (Temporal, its Web UI and PostgreSQL), then TEMPORAL_ADDRESS=localhost:7233 br dev\n' +
        '  - install the `temporal` CLI so it is on PATH, and run `br dev` again\n' +
        '  - TEMPORAL_ADDRESS=host:7233 br dev   to use an existing Temporal cluster',
    );
  }
}

export async function startDevStack(ctx: ServiceContext, options: DevOptions = {}): Promise<DevStack> {
  const log = options.log ?? (() => {});
  // Temporal first: offline it fails within a second, before anything else is started.
  const temporal = await startTemporal(ctx, options);
  log(`Temporal: ${temporal.address} (${temporal.source})`);
  const stops: (() => Promise<void>)[] = [temporal.teardown];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    let server: EmbeddedServer | null = null;
    if (!ctx.config.database.url) {
      const { startEmbeddedServer } = await import('../lib/db/embedded-server');
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
        temporal: { ...ctx.config.temporal, address: temporal.address, webUiUrl: temporal.webUiUrl },
        database: { ...ctx.config.database, url: databaseUrl ?? ctx.config.database.url },
      },
    };
    if (options.worker !== false) {
      const { startWorkers } = await import('../worker/run');
      const workers = await startWorkers(workerCtx);
      stops.push(() => workers.shutdown());
      log('Worker: polling the build queue and the per-model Claude queues');
      const { applySchedulesFromContext } = await import('../worker/schedules');
      await applySchedulesFromContext(workerCtx);
      log('Schedules: metrics-aggregation (hourly), retention-cleanup (daily)');
    }
    return {
      temporalAddress: temporal.address,
      temporalSource: temporal.source,
      webUiUrl: temporal.webUiUrl,
      databaseUrl,
      database: databaseUrl ? `embedded PGlite served at ${databaseUrl}` : 'PostgreSQL from DATABASE_URL',
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
