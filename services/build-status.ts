/**
 * A build as `br build watch`, `br build status --json`, MCP's br_build_status and the dashboard show
 * it: the progress snapshot, what each task is doing now (model, attempt, elapsed, current step; what
 * a pending one waits for), a forecast of what is left (the `br build simulate` model), and the Web UI
 * link. One source for every front end. A session keeps one Temporal connection for repeated reads.
 */
import type { Client, Connection, WorkflowExecutionDescription } from '@temporalio/client';
import { approvalAsk } from '../lib/approval';
import { UserError } from '../lib/errors';
import { withProgressHints, buildBackend } from './build-backend';
import type { SummaryGaps } from '../activities/evidence';
import type { ProgressSnapshot, TaskProgress } from './build-types';
import type { ServiceContext } from './context';
import type { BuildShape, RemainingForecast } from './forecast';
import type { NotificationReport } from './notify';
import { pendingTaskNow, type TaskNow } from './task-step';
import { step } from './steps';
import { connectTemporal, temporalStep, webUiLink } from './temporal-client';
import { HttpApiUnavailable } from './temporal-http';
import { isFinished, liveProgress, type StatusSource } from './build-status-source';

export type { TaskNow, TaskStep } from './task-step';
export type { RemainingForecast } from './forecast';

export interface TaskStatus extends TaskProgress {
  /** Running and pending tasks: what they are doing or waiting for. */
  now?: TaskNow;
}

export interface BuildStatusReport extends Omit<ProgressSnapshot, 'tasks'> {
  tasks: TaskStatus[];
  webUiUrl: string | null;
  /** What is left, from the simulate model; null once nothing is left (or while the first is computed). */
  forecast: RemainingForecast | null;
  /** The build's parallel limit, when known. */
  parallel?: number;
  /** The gap report a finished build recorded (one-shot reads only: buildStatus). */
  gaps?: SummaryGaps;
  /** What its notifications did: sent per sink, failures and unknown outcomes (one-shot reads only). */
  notifications?: NotificationReport;
  /** The build's cost rows: settled, and requests never settled (one-shot reads only: buildStatus). */
  recordedSpend?: { costUsd: string; unsettledCalls: number; unsettledUsd: string; line: string };
}

export interface StatusSession {
  read(): Promise<BuildStatusReport>;
  close(): Promise<void>;
}

export interface StatusOptions {
  /** `await`: each read waits for a fresh forecast; `background`: reads carry the last one finished. */
  forecast?: 'await' | 'background' | 'off';
  forecastRuns?: number;
}

// Enough for a p10–p90 range, and quick enough for an MCP call's deadline on a loaded machine.
const FORECAST_RUNS = 20;

export { isFinished };

async function temporalSource(ctx: ServiceContext, id: string): Promise<StatusSource> {
  const [{ WorkflowNotFoundError }, reader] = await Promise.all([
    import('@temporalio/client'),
    import('./task-reader'),
  ]);
  const { client, connection }: { client: Client; connection: Connection } = await connectTemporal(ctx);
  let described: WorkflowExecutionDescription;
  try {
    described = await temporalStep(ctx, () => client.workflow.getHandle(id).describe());
  } catch (err) {
    await connection.close();
    if (err instanceof WorkflowNotFoundError)
      throw new UserError(`No build "${id}" on this Temporal namespace. List builds with \`br build list\`.`);
    throw err;
  }
  const handle = client.workflow.getHandle(id);
  let shape: Promise<BuildShape | null> | undefined;
  return {
    progress: async () => {
      // A closed build: a query would need a worker to replay it; its result and the database answer.
      if (described.status.name !== 'RUNNING') {
        const { closedBuildProgress } = await import('./closed-build');
        return { ...(await closedBuildProgress(ctx, handle, described)), webUiUrl: webUiLink(ctx, id) };
      }
      // Temporal answered the describe above: a query waits for a worker to run it. progressQuery by its
      // name (workflows/messages.ts): importing the definition would load the workflow SDK and the
      // workflow modules into a one-shot CLI read (test/cli/startup-modules.test.ts).
      const p = await step(
        `a worker to answer the build's progress query (Temporal at ${ctx.config.temporal.address} answered)`,
        `Check that \`br worker\` is running and polls the task queue "${ctx.config.temporal.taskQueue}".`,
        () => handle.query<ProgressSnapshot>('progress'),
      );
      return { ...liveProgress(p), webUiUrl: webUiLink(ctx, id) };
    },
    // A task that ended between the progress query and this read has nothing more to say.
    running: (taskId) => reader.readRunningTask(client, id, taskId).catch(() => undefined),
    shape: () => (shape ??= reader.readBuildShape(client, id).catch(() => null)),
    close: () => connection.close(),
  };
}

/** The configured routing and alert thresholds, with this parallel limit. */
function configuredShape(ctx: ServiceContext, parallel: number): BuildShape {
  const r = ctx.config.routing;
  return {
    parallel,
    routing: {
      tiers: { simple: r.simple, moderate: r.moderate, complex: r.complex, critical: r.critical },
      maxAttemptsPerTask: r.maxAttemptsPerTask,
      catalog: ctx.config.models,
    },
    alertThresholds: ctx.config.budget.alertThresholds,
  };
}

/** A finished build from its recorded end (closed-build.ts recordedFinish): no Temporal client loaded. */
async function recordedSource(ctx: ServiceContext, id: string): Promise<StatusSource | null> {
  const { recordedFinish } = await import('./closed-build');
  const finished = await recordedFinish(ctx, id);
  if (!finished) return null;
  return {
    progress: () => Promise.resolve({ ...finished.progress, webUiUrl: webUiLink(ctx, id) }),
    running: () => Promise.resolve(undefined),
    // Only its parallel limit shows for a finished build (no forecast, no running task's first try).
    shape: () => Promise.resolve(configuredShape(ctx, finished.parallel)),
    close: async () => {},
  };
}

/**
 * A build Temporal runs: over its HTTP API when one is known (no gRPC client to load: issue 31), with
 * the client path for what that route cannot answer (not configured, not reachable, a closed build).
 */
async function liveSource(ctx: ServiceContext, id: string): Promise<StatusSource> {
  const { httpSource } = await import('./build-status-http');
  const fast = await httpSource(ctx, id);
  if (!fast) return temporalSource(ctx, id);
  let slow: Promise<StatusSource> | undefined;
  const either = <T>(ask: (s: StatusSource) => Promise<T>): Promise<T> =>
    ask(fast).catch(async (err: unknown) => {
      if (!(err instanceof HttpApiUnavailable)) throw err;
      return ask(await (slow ??= temporalSource(ctx, id)));
    });
  return {
    progress: () => either((s) => s.progress()),
    running: (taskId) => either((s) => s.running(taskId)),
    shape: () => either((s) => s.shape()),
    close: async () => {
      if (slow) await (await slow).close();
    },
  };
}

/** Another backend (the simulation in tests): its snapshot, the configured routing, no per-task reads. */
function backendSource(ctx: ServiceContext, id: string): StatusSource {
  const backend = buildBackend(ctx);
  return {
    progress: () => backend.progress(ctx, id),
    running: () => Promise.resolve(undefined),
    shape: () => Promise.resolve(configuredShape(ctx, ctx.config.parallel)),
    close: async () => {},
  };
}

export async function openStatusSession(
  ctx: ServiceContext,
  id: string,
  options: StatusOptions = {},
): Promise<StatusSession> {
  const source = ctx.builds
    ? backendSource(ctx, id)
    : ((await recordedSource(ctx, id)) ?? (await liveSource(ctx, id)));
  const mode = options.forecast ?? 'await';
  let forecast: { key: string; value: RemainingForecast | null } | undefined;
  let computing: { key: string; done: Promise<RemainingForecast | null>; settled: boolean } | undefined;

  const forecastFor = async (p: ProgressSnapshot): Promise<RemainingForecast | null> => {
    if (mode === 'off' || isFinished(p.status)) return null;
    // New figures when a task starts or ends, not on every refresh.
    const key = p.tasks.map((t) => `${t.id}:${t.state}`).join(',');
    if (forecast?.key === key) return forecast.value;
    // In the background one forecast at a time: when tasks change faster than a forecast is made, each
    // new one would discard the unfinished last, no ETA would ever show and their CPU would pile up.
    const busy = mode === 'background' && computing !== undefined && !computing.settled;
    if (computing?.key !== key && !busy) {
      const done = (async () => {
        const shape = await source.shape();
        if (!shape) return null;
        const [{ forecastRemaining }, { forecastStore }] = await Promise.all([
          import('./forecast'),
          import('./forecast-samples'),
        ]);
        return forecastRemaining(p.tasks, shape, p.budget.leftUsd, p.now, {
          runs: options.forecastRuns ?? FORECAST_RUNS,
          samples: forecastStore(ctx.env),
        });
      })().catch(() => null);
      const entry = { key, done, settled: false };
      computing = entry;
      void done.then((value) => {
        entry.settled = true;
        if (computing === entry) forecast = { key, value };
      });
    }
    if (mode === 'await') return computing!.done;
    return forecast?.value ?? null;
  };

  return {
    async read() {
      const progress = withProgressHints(await source.progress());
      const byId = new Map(progress.tasks.map((t) => [t.id, t]));
      const breakerOpen = progress.budget.breaker !== 'closed';
      const shape = await source.shape();
      const tasks = await Promise.all(
        progress.tasks.map(async (t): Promise<TaskStatus> => {
          if (t.state === 'PENDING')
            return { ...t, now: pendingTaskNow(t, byId, { paused: progress.paused, breakerOpen }) };
          if (t.state !== 'RUNNING') return t;
          const now = await source.running(t.id);
          return now ? { ...t, now: await firstTry(now, t, shape) } : t;
        }),
      );
      const a = progress.approval;
      return {
        ...progress,
        ...(a && !a.decision
          ? { approval: { ...a, ask: approvalAsk(progress.buildId, a, progress.webUiUrl) } }
          : {}),
        tasks,
        forecast: await forecastFor(progress),
        ...(shape ? { parallel: shape.parallel } : {}),
      };
    },
    close: () => source.close(),
  };
}

/**
 * A task whose workflow has only just started has no try on record yet: it is about to run its first,
 * on the model routing gives its complexity (the workflow's own first choice).
 */
async function firstTry(now: TaskNow, t: TaskProgress, shape: BuildShape | null): Promise<TaskNow> {
  if (now.model && now.attempt) return now;
  let model = now.model ?? t.model;
  if (!model && shape && t.complexity) {
    const { initialModel } = await import('../workflows/core/routing');
    try {
      model = initialModel(shape.routing, t.complexity).id;
    } catch {
      // no model for the tier: the task will fail with that, and say so
    }
  }
  return { ...now, ...(model ? { model } : {}), attempt: now.attempt ?? Math.max(1, t.attempts) };
}

/** One read: `br build status`, MCP's br_build_status, the dashboard's build page. */
export async function buildStatus(
  ctx: ServiceContext,
  id: string,
  options: StatusOptions = {},
): Promise<BuildStatusReport> {
  const session = await openStatusSession(ctx, id, options);
  let report: BuildStatusReport;
  try {
    report = await session.read();
  } finally {
    await session.close();
  }
  const { statusRecords } = await import('./status-records');
  const { gaps, spend, notifications } = await statusRecords(ctx, id, {
    finished: isFinished(report.status),
  });
  const { spentLine } = await import('./reports');
  const { budgetOnRecord } = await import('./build-continue-spent');
  return {
    ...report,
    // An ended build's requests on record count, as `br build continue` counts them (issue 27).
    ...(isFinished(report.status) ? { budget: budgetOnRecord(report.budget, spend) } : {}),
    ...(gaps ? { gaps } : {}),
    ...(notifications ? { notifications } : {}),
    ...(spend
      ? {
          recordedSpend: {
            costUsd: spend.costUsd,
            unsettledCalls: spend.unsettledCalls,
            unsettledUsd: spend.unsettledUsd,
            line: spentLine(spend),
          },
        }
      : {}),
  };
}
