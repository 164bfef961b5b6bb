import type { TelemetryEventInput, TelemetryType } from '../../lib/contracts';
import type { RuntimePort } from './port';

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

/**
 * A task's event scope: `<try>/<type>`, its tries numbered after the earlier runs' (`before`). Events
 * before its first try (model selected) are `0/<type>`; in a `br build continue` run (before > 0) they
 * are `<before>+0/<type>`, or the dedupe key of the ended run's would drop them (patched
 * 'continued-run-events'; histories of continued runs made before it replay with `0`).
 */
export function taskEventScope(
  port: Pick<RuntimePort, 'patched'>,
  before: number,
): (n: number, type: TelemetryType) => string {
  const zero = before > 0 && port.patched('continued-run-events') ? `${before}+0` : '0';
  return (n, type) => `${n ? before + n : zero}/${type}`;
}
