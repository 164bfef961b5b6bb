import {
  Client,
  Connection,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
} from '@temporalio/client';
import type { BuildRunnerConfig } from '../lib/config';
import { TemporalUnreachableError, UserError } from '../lib/errors';

/**
 * The two maintenance schedules, as data built from the config (unit-tested offline), and the calls
 * that create or update them on a Temporal server idempotently.
 */

export const SCHEDULE_IDS = ['metrics-aggregation', 'retention-cleanup'] as const;
export type ScheduleId = (typeof SCHEDULE_IDS)[number];

/** Rows archived and deleted per batch by the retention workflow. */
export const RETENTION_BATCH_SIZE = 1000;

export function scheduleDefinitions(config: BuildRunnerConfig): ScheduleOptions[] {
  const taskQueue = config.temporal.taskQueue;
  return [
    {
      scheduleId: 'metrics-aggregation',
      // Five past the hour, so writes of the hour just ended have landed.
      spec: { intervals: [{ every: '1 hour', offset: '5 minutes' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'metricsAggregationWorkflow',
        workflowId: 'metrics-aggregation',
        taskQueue,
        args: [],
        workflowRunTimeout: '1 hour',
        staticSummary: 'Hourly incremental metrics rollup',
      },
      policies: {
        overlap: ScheduleOverlapPolicy.SKIP,
        // One run folds in everything since its cursor, so after downtime a single catch-up run is enough.
        catchupWindow: '1 hour',
        pauseOnFailure: false,
      },
      state: { note: 'managed by `br schedules apply`' },
    },
    {
      scheduleId: 'retention-cleanup',
      spec: { calendars: [{ hour: 3, minute: 30, comment: 'daily at 03:30 UTC' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'retentionCleanupWorkflow',
        workflowId: 'retention-cleanup',
        taskQueue,
        args: [
          {
            retentionDays: config.retention.days,
            archiveDir: config.retention.archiveDir,
            batchSize: RETENTION_BATCH_SIZE,
          },
        ],
        workflowRunTimeout: '6 hours',
        staticSummary: `Archive and delete telemetry older than ${config.retention.days} days`,
      },
      policies: {
        overlap: ScheduleOverlapPolicy.SKIP,
        // A missed night is made up when the server returns within a day; older misses are covered by the next run.
        catchupWindow: '1 day',
        pauseOnFailure: false,
      },
      state: { note: 'managed by `br schedules apply`' },
    },
  ];
}

export interface AppliedSchedule {
  scheduleId: string;
  outcome: 'created' | 'updated';
}

/** Creates each schedule, or updates it in place when it exists (keeping whether it is paused, and its note). */
export async function applySchedules(client: Client, config: BuildRunnerConfig): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const def of scheduleDefinitions(config)) {
    const handle = client.schedule.getHandle(def.scheduleId);
    try {
      await handle.update((previous) => ({
        spec: def.spec,
        action: def.action,
        policies: def.policies,
        state: { paused: previous.state.paused, note: previous.state.note ?? def.state?.note },
      }));
      applied.push({ scheduleId: def.scheduleId, outcome: 'updated' });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      await client.schedule.create(def);
      applied.push({ scheduleId: def.scheduleId, outcome: 'created' });
    }
  }
  return applied;
}

export interface ScheduleStatus {
  scheduleId: string;
  exists: boolean;
  paused: boolean;
  note: string | null;
  nextRuns: string[];
  recentRuns: { scheduledAt: string; workflowId: string }[];
}

export async function listSchedules(client: Client): Promise<ScheduleStatus[]> {
  const out: ScheduleStatus[] = [];
  for (const scheduleId of SCHEDULE_IDS) {
    try {
      const d = await client.schedule.getHandle(scheduleId).describe();
      out.push({
        scheduleId,
        exists: true,
        paused: d.state.paused,
        note: d.state.note ?? null,
        nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
        recentRuns: d.info.recentActions.slice(-3).map((a) => ({
          scheduledAt: a.scheduledAt.toISOString(),
          workflowId: a.action.workflow.workflowId,
        })),
      });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      out.push({ scheduleId, exists: false, paused: false, note: null, nextRuns: [], recentRuns: [] });
    }
  }
  return out;
}

export function assertScheduleId(id: string): ScheduleId {
  if ((SCHEDULE_IDS as readonly string[]).includes(id)) return id as ScheduleId;
  throw new UserError(`Unknown schedule "${id}". Known schedules: ${SCHEDULE_IDS.join(', ')}.`);
}

async function existing<T>(id: ScheduleId, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError)
      throw new UserError(`Schedule "${id}" does not exist yet: run \`br schedules apply\` first.`);
    throw err;
  }
}

/** Starts one run now; the schedule's overlap policy (skip) still applies. */
export async function triggerSchedule(client: Client, id: ScheduleId): Promise<void> {
  await existing(id, () => client.schedule.getHandle(id).trigger());
}

export async function pauseSchedule(
  client: Client,
  id: ScheduleId,
  options: { note: string; unpause: boolean },
) {
  const handle = client.schedule.getHandle(id);
  await existing(id, () => (options.unpause ? handle.unpause(options.note) : handle.pause(options.note)));
}

/** Connects to the configured Temporal server, runs fn, and closes the connection. */
export async function withTemporalClient<T>(
  config: BuildRunnerConfig,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5 seconds' });
  } catch (err) {
    throw new TemporalUnreachableError(config.temporal.address, err);
  }
  try {
    return await fn(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/** For `br dev` and worker start: applies the schedules against the context's Temporal server. */
export async function applySchedulesFromContext(ctx: {
  config: BuildRunnerConfig;
}): Promise<AppliedSchedule[]> {
  return withTemporalClient(ctx.config, (client) => applySchedules(client, ctx.config));
}
