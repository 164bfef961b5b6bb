import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withKeepAlive } from '../activities/claude/activity-context';
import { buildEventLine } from '../lib/build-events';
import type { TelemetryEventInput } from '../lib/contracts/records';

/**
 * The activities named in `names` heartbeat in the background, so a dead worker's agent run, commit or
 * merge is retried within the heartbeat timeout (workflows/activity-profiles.ts) instead of its
 * start-to-close timeout; and one cut off by this worker's drain is handed back as a lost worker, to
 * run again elsewhere (activity-context.ts).
 */
export function keepAliveInterceptor(names: ReadonlySet<string>): ActivityInterceptorsFactory {
  return (ctx) =>
    names.has(ctx.info.activityType)
      ? { inbound: { execute: (input, next) => withKeepAlive(() => next(input)) } }
      : {};
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
