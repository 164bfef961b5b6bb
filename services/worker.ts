import path from 'node:path';
import { parseModels, parseQueueKinds } from '../worker/config';
import { runWorker } from '../worker/run';
import type { ServiceContext } from './context';

/** `br worker`: polls the queues named on the command line until SIGINT/SIGTERM. */
export async function serveWorker(
  ctx: ServiceContext,
  options: {
    queues?: string;
    /** Comma-separated model ids or tiers whose Claude queues this worker polls (default: all). */
    models?: string;
    maxConcurrentActivities?: number;
    maxConcurrentTasks?: number;
    maxConcurrentClaudeCalls?: number;
    drainSeconds?: number;
    cacheDir?: string;
    metricsPort?: number;
    metricsHost?: string;
    applySchedules: boolean;
    log: (line: string) => void;
  },
): Promise<void> {
  await runWorker(ctx, {
    queues: parseQueueKinds(options.queues),
    models: parseModels(ctx.config, options.models),
    ...(options.maxConcurrentActivities ? { maxConcurrentActivities: options.maxConcurrentActivities } : {}),
    ...(options.maxConcurrentTasks ? { maxConcurrentTasks: options.maxConcurrentTasks } : {}),
    ...(options.maxConcurrentClaudeCalls
      ? { maxConcurrentClaudeCalls: options.maxConcurrentClaudeCalls }
      : {}),
    ...(options.drainSeconds !== undefined ? { drainSeconds: options.drainSeconds } : {}),
    ...(options.cacheDir ? { cacheDir: path.resolve(ctx.cwd, options.cacheDir) } : {}),
    ...(options.metricsPort !== undefined
      ? { metricsPort: options.metricsPort, metricsHost: options.metricsHost ?? '127.0.0.1' }
      : {}),
    applySchedules: options.applySchedules,
    log: options.log,
  });
}
