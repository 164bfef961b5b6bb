import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { KEEP_ALIVE_MS, withKeepAlive } from '../activities/claude/activity-context';
import { buildEventLine } from '../lib/build-events';
import type { TelemetryEventInput } from '../lib/contracts/records';

/**
 * The activities named in `names` heartbeat in the background, so a dead worker's agent run, commit or
 * merge is retried within the heartbeat timeout (workflows/activity-profiles.ts) instead of its
 * start-to-close timeout; and one cut off by this worker's drain is handed back as a lost worker, to
 * run again elsewhere (activity-context.ts).
 */
export function keepAliveInterceptor(
  names: ReadonlySet<string>,
  beatOnly: ReadonlySet<string> = new Set(),
): ActivityInterceptorsFactory {
  return (ctx) =>
    names.has(ctx.info.activityType)
      ? { inbound: { execute: (input, next) => withKeepAlive(() => next(input)) } }
      : beatOnly.has(ctx.info.activityType)
        ? { inbound: { execute: (input, next) => withBeats(() => next(input)) } }
        : {};
}

/**
 * Heartbeats every `everyMs` while `fn` runs and leaves its outcome as it is (a cancel stays a cancel):
 * the record steps (worker/activities.ts BEATING), so a dead worker's record is retried within
 * RECORD_HEARTBEAT. A quick write ends before the first beat.
 */
export async function withBeats<T>(fn: () => Promise<T>, everyMs = KEEP_ALIVE_MS): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/**
 * One line per build event worth a person's attention (lib/build-events.ts), printed by the worker that
 * records it: the events reach the database through emitEvents, which this watches.
 */
export function buildEventsInterceptor(print: (line: string) => void): ActivityInterceptorsFactory {
  return (ctx) =>
    ctx.info.activityType === 'emitEvents'
      ? {
          inbound: {
            execute: async (input, next) => {
              const result: unknown = await next(input);
              for (const e of (input.args[0] ?? []) as TelemetryEventInput[]) {
                const line = buildEventLine(e);
                if (line) print(line);
              }
              return result;
            },
          },
        }
      : {};
}
