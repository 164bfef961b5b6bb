import type { TelemetryEventInput, TelemetryType } from '../../lib/contracts';

/**
 * One telemetry event as both workflow bodies emit it. The dedupe key is
 * `<build>/<task or "build">/<scope>`, unique per event, so a retried emitEvents inserts it once:
 * the build uses the event type (or type and threshold) as scope, a task `<attempt>/<type>`.
 */
export function telemetryEvent(e: {
  type: TelemetryType;
  buildId: string;
  taskId?: string;
  model?: string;
  at: number;
  scope: string;
  data: Record<string, unknown>;
}): TelemetryEventInput {
  return {
    type: e.type,
    buildId: e.buildId,
    ...(e.taskId ? { taskId: e.taskId } : {}),
    ...(e.model ? { model: e.model } : {}),
    at: e.at,
    dedupeKey: `${e.buildId}/${e.taskId ?? 'build'}/${e.scope}`,
    data: e.data,
  };
}
