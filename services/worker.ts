import path from 'node:path';
import { parseModels, parseQueueKinds } from '../worker/config';
import { runWorker } from '../worker/run';
import type { ServiceContext } from './context';
import type { LogLevel } from '@temporalio/common';
import { FileLogger, type LogFormat } from '../worker/logging';

/** `.buildrunner/logs/<name>.log` (config logging.dir), at the flag's level and format or the config's. */
export function openLogFile(
  ctx: ServiceContext,
  name: string,
  options: { verbose?: boolean; logLevel?: LogLevel; logFormat?: LogFormat; log: (line: string) => void },
): FileLogger {
  return new FileLogger({
    file: path.resolve(ctx.root, ctx.config.logging.dir, `${name}.log`),
    level: options.logLevel ?? ctx.config.logging.level,
    format: options.logFormat ?? ctx.config.logging.format,
    ...(options.verbose ? { echo: options.log } : {}),
    onError: options.log,
  });
}

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
    /** SDK and bundler logs on the screen too, not only in the log file. */
    verbose?: boolean;
    logLevel?: LogLevel;
    logFormat?: LogFormat;
  },
): Promise<void> {
  const logger = openLogFile(ctx, 'worker', options);
  options.log(
    `Logs      ${logger.file} (${options.logLevel ?? ctx.config.logging.level}${options.verbose ? ', also here' : '; --verbose shows them here'})`,
  );
  await runWorker(ctx, {
    logger,
    logLevel: options.logLevel ?? ctx.config.logging.level,
    events: options.log,
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
