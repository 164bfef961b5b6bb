import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withKeepAlive } from '../activities/claude/activity-context';

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
