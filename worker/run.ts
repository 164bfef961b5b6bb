import { hostname } from 'node:os';
import { packageVersion } from '../activities/paths';
import type { ActivityInterceptorsFactory, NativeConnection, Worker } from '@temporalio/worker';
import type { LogLevel, Logger } from '@temporalio/common';
import { findApiKey } from '../activities/api-key';
import type { Database } from '../lib/db/connection';
import type { RuntimeContext } from '../lib/config';
import { TemporalUnreachableError } from '../lib/errors';
import { defaultCacheDir } from '../activities/git/cache-dir';
import {
  HEARTBEAT_THROTTLE,
  queuePlan,
  STICKY_QUEUE_TIMEOUT,
  WORKER_DEFAULTS,
  type QueueKind,
} from './config';
import type { WorkflowBundle } from './bundle';

export interface WorkerOptions {
  queues?: QueueKind[];
  /** Only these models' Claude queues (default: every catalog model). */
  models?: string[];
  /** Activities at once per queue (both kinds), unless the two limits below say otherwise. */
  maxConcurrentActivities?: number;
  /** Task steps (worktree, commit, verify, merge) and records this process runs at once on the build queue. */
  maxConcurrentTasks?: number;
  /** Claude calls this process runs at once on each model queue it polls. */
  maxConcurrentClaudeCalls?: number;
  /** How long running activities may take to finish on SIGTERM before they are handed back (seconds). */
  drainSeconds?: number;
  /** This worker's own folder for the cache clones of remote builds (default: defaultCacheDir). */
  cacheDir?: string;
  /** Replaces the real activities (tests: fakes). */
  activities?: object;
  /** A pre-built bundle (tests share one); bundleWorkflows() otherwise. */
  workflowBundle?: WorkflowBundle;
  /** Serve Prometheus metrics (Temporal SDK + BuildRunner) on this port (worker/metrics.ts). */
  metricsPort?: number;
  metricsHost?: string;
  log?: (line: string) => void;
  /** The Temporal SDK's and the bundler's logger (worker/logging.ts: a rotated file); the SDK's own otherwise. */
  logger?: Logger;
  logLevel?: LogLevel;
  /** One line per build event worth attention (lib/build-events.ts), from the activities this process runs. */
  events?: (line: string) => void;
}

export interface RunningWorkers {
  taskQueues: string[];
  /** The database the activities use (absent when tests replace the activities). */
  db?: Database;
  /** Resolves when every worker has stopped; rejects when one of them failed. */
  done: Promise<void>;
  /** Stops polling, lets running activities finish (up to the grace time), closes the DB and the connection. */
  shutdown(): Promise<void>;
}

export type { WorkflowBundle } from './bundle';

/**
 * The build queue's workflow code (worker/bundle.ts): BR_WORKFLOW_BUNDLE when set, else the prebuilt
 * dist/workflows.bundle.js (refused when stale), else, in a checkout never built, bundled now.
 */
export async function bundleWorkflows(
  note?: (line: string) => void,
  logger?: Logger,
): Promise<WorkflowBundle> {
  const { loadWorkflowBundle } = await import('./bundle');
  return loadWorkflowBundle({ ...(note ? { note } : {}), ...(logger ? { logger } : {}) });
}

async function connect(ctx: RuntimeContext): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  const { address } = ctx.config.temporal;
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
}

/**
 * How this process shows in the Web UI and in every event it handles: `<pid>@<host> buildrunner/<version>`.
 * The pid comes first, as Temporal's default identity has it.
 */
export function workerIdentity(): string {
  return `${process.pid}@${hostname()} buildrunner/${packageVersion()}`;
}

/** Starts one worker on the build queue (workflows + all activities) and one per model queue (Claude activities). */
export async function startWorkers(
  ctx: RuntimeContext,
  options: WorkerOptions = {},
): Promise<RunningWorkers> {
  const { Worker } = await import('@temporalio/worker');
  const plan = queuePlan(ctx.config, options.queues, options.models);
  const connection = await connect(ctx);
  let db: Database | undefined;
  const workers: Worker[] = [];
  try {
    let activities = options.activities;
    let claude: object | undefined = options.activities;
    // Only the worker's own activities get the keep-alive; activities a caller passes in run as given.
    let interceptors: { activity: ActivityInterceptorsFactory[] } | undefined;
    if (!activities) {
      const [
        { openDatabase },
        { resolveDatabaseTarget },
        { migrate },
        wiring,
        { keepAliveInterceptor, buildEventsInterceptor },
      ] = await Promise.all([
        import('../activities/db/connection'),
        import('../activities/db/target'),
        import('../activities/db/migrate'),
        import('./activities'),
        import('./interceptors'),
      ]);
      db = await openDatabase(resolveDatabaseTarget(ctx));
      await migrate(db);
      const deps = {
        db,
        config: ctx.config,
        root: ctx.root,
        apiKey: findApiKey({ env: ctx.env, cwd: ctx.root })?.key,
        cacheDir: options.cacheDir ?? defaultCacheDir(ctx.env),
        env: ctx.env,
      };
      const all = wiring.createActivities(deps);
      activities = all;
      claude = wiring.claudeActivitiesOf(all);
      interceptors = {
        activity: [
          keepAliveInterceptor(wiring.KEPT_ALIVE, wiring.BEATING),
          ...(options.events ? [buildEventsInterceptor(options.events)] : []),
        ],
      };
      // Worktrees a previous run of this worker left behind; the remote holds what they held.
      const { pruneCache } = await import('../activities/git/cache');
      const pruned = await pruneCache(deps.cacheDir).catch(() => []);
      if (pruned.length) options.log?.(`Cache ${deps.cacheDir}: removed ${pruned.length} stale worktree(s)`);
      // Cost rows a killed worker on this machine spooled while the database was away (issue 27).
      const { drainCostSpool } = await import('./cost-spool');
      await drainCostSpool(db, deps.cacheDir, options.log);
    }
    const needsWorkflows = plan.some((q) => q.kind === 'build');
    // Bundled once and shared: bundling takes seconds and the code is the same for every build queue worker.
    const workflowBundle = needsWorkflows
      ? (options.workflowBundle ?? (await bundleWorkflows(options.log, options.logger)))
      : undefined;
    const perQueue = options.maxConcurrentActivities ?? WORKER_DEFAULTS.maxConcurrentActivities;
    const limitOf = (kind: QueueKind) =>
      (kind === 'build' ? options.maxConcurrentTasks : options.maxConcurrentClaudeCalls) ?? perQueue;
    const identity = workerIdentity();
    for (const q of plan) {
      workers.push(
        await Worker.create({
          connection,
          namespace: ctx.config.temporal.namespace,
          taskQueue: q.taskQueue,
          ...(q.kind === 'build' ? { workflowBundle, activities } : { activities: claude }),
          ...(interceptors ? { interceptors } : {}),
          maxConcurrentActivityTaskExecutions: limitOf(q.kind),
          identity,
          maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
          stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
          shutdownGraceTime:
            options.drainSeconds !== undefined
              ? `${options.drainSeconds} seconds`
              : WORKER_DEFAULTS.shutdownGraceTime,
        }),
      );
      options.log?.(
        `Polling ${q.taskQueue}${q.model ? ` (Claude calls for ${q.model})` : ' (builds, tasks, git, records)'}, ${limitOf(q.kind)} at once, as ${identity}`,
      );
    }
  } catch (err) {
    await db?.close();
    await connection.close();
    throw err;
  }
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done.catch(() => undefined);
      await db?.close();
      await connection.close();
    })());
  return { taskQueues: plan.map((q) => q.taskQueue), db, done, shutdown };
}

/** `br worker`: runs until SIGINT/SIGTERM, then shuts down gracefully. */
export async function runWorker(
  ctx: RuntimeContext,
  options: WorkerOptions & { applySchedules?: boolean } = {},
): Promise<void> {
  // Before startWorkers: the metrics server installs the SDK Runtime, which the first connection would fix.
  const metrics =
    options.metricsPort !== undefined
      ? await (
          await import('./metrics')
        ).startMetricsServer({
          port: options.metricsPort,
          host: options.metricsHost ?? '127.0.0.1',
          ...(options.logger ? { logger: options.logger, logLevel: options.logLevel ?? 'INFO' } : {}),
        })
      : undefined;
  if (!metrics && options.logger)
    await (await import('./logging')).installRuntime(options.logger, options.logLevel ?? 'INFO');
  if (metrics) options.log?.(`Metrics on ${metrics.url}`);
  const running = await startWorkers(ctx, options).catch(async (err: unknown) => {
    await metrics?.close();
    throw err;
  });
  metrics?.attach(running.db);
  if (options.applySchedules !== false) {
    // Idempotent: every worker start brings the maintenance schedules up to date with the config.
    const { applySchedulesFromContext } = await import('./schedules');
    await applySchedulesFromContext(ctx).then(
      (applied) =>
        options.log?.(`Schedules: ${applied.map((a) => `${a.scheduleId} ${a.outcome}`).join(', ')}`),
      (err: unknown) =>
        options.log?.(
          `Schedules not applied (${(err as Error).message.split('\n')[0]}); run \`br schedules apply\`.`,
        ),
    );
  }
  options.log?.('Ready. Ctrl-C or SIGTERM drains and stops.');
  const stop = () => {
    // Drain: no new work is taken; running activities get the grace time to finish, then are cancelled
    // and Temporal hands them to another worker (heartbeat timeout, or the workflow's fallback).
    options.log?.(
      `Draining: no new work; running activities get ${options.drainSeconds ?? WORKER_DEFAULTS.shutdownGraceTime.split(' ')[0]} s to finish…`,
    );
    void running.shutdown();
  };
  // SIGHUP: the terminal it ran in closed; drain as for Ctrl-C rather than die with activities running.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  try {
    await running.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
    await running.shutdown();
    await metrics?.close();
  }
}
