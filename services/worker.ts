import { parseQueueKinds } from '../worker/config';
import { runWorker } from '../worker/run';
import type { ServiceContext } from './context';

/** `br worker`: polls the queues named on the command line until SIGINT/SIGTERM. */
export async function serveWorker(
  ctx: ServiceContext,
  options: {
    queues?: string;
    maxConcurrentActivities?: number;
    applySchedules: boolean;
    log: (line: string) => void;
  },
): Promise<void> {
  await runWorker(ctx, {
    queues: parseQueueKinds(options.queues),
    ...(options.maxConcurrentActivities ? { maxConcurrentActivities: options.maxConcurrentActivities } : {}),
    applySchedules: options.applySchedules,
    log: options.log,
  });
}
