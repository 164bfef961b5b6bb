import {
  applySchedulesFromContext,
  assertScheduleId,
  listSchedules,
  pauseSchedule,
  triggerSchedule,
  withTemporalClient,
  type AppliedSchedule,
  type ScheduleId,
  type ScheduleStatus,
} from '../worker/schedules';
import type { ServiceContext } from './context';

/** `br schedules …`: the maintenance schedules on the configured Temporal server. */
export type { AppliedSchedule, ScheduleId, ScheduleStatus };

export function applyAllSchedules(ctx: ServiceContext): Promise<AppliedSchedule[]> {
  return applySchedulesFromContext(ctx);
}

export function scheduleStatuses(ctx: ServiceContext): Promise<ScheduleStatus[]> {
  return withTemporalClient(ctx.config, listSchedules);
}

export async function setSchedulePaused(
  ctx: ServiceContext,
  schedule: string,
  options: { note: string; unpause: boolean },
): Promise<ScheduleId> {
  const id = assertScheduleId(schedule);
  await withTemporalClient(ctx.config, (client) => pauseSchedule(client, id, options));
  return id;
}

export async function triggerScheduleNow(ctx: ServiceContext, schedule: string): Promise<ScheduleId> {
  const id = assertScheduleId(schedule);
  await withTemporalClient(ctx.config, (client) => triggerSchedule(client, id));
  return id;
}
