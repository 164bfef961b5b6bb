import type { ProgressSnapshot } from '../workflows/core/progress';

/**
 * Polls a build's progress until it ends, handing each snapshot to the renderer. A transient query
 * failure (worker restarting) is retried; the last snapshot decides the outcome.
 */
export interface WatchOptions {
  intervalMs?: number;
  onSnapshot(snapshot: ProgressSnapshot): void;
  onRetry?(error: Error, attempt: number): void;
  /** Stop watching (the build goes on). */
  signal?: AbortSignal;
  /** Consecutive query failures tolerated before giving up. */
  maxFailures?: number;
  isTerminal(status: ProgressSnapshot['status']): boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export async function watchProgress(
  query: () => Promise<ProgressSnapshot>,
  options: WatchOptions,
): Promise<ProgressSnapshot | null> {
  let last: ProgressSnapshot | null = null;
  let failures = 0;
  while (!options.signal?.aborted) {
    try {
      last = await query();
      failures = 0;
      options.onSnapshot(last);
      if (options.isTerminal(last.status)) return last;
    } catch (err) {
      failures += 1;
      if (failures > (options.maxFailures ?? 10)) throw err;
      options.onRetry?.(err as Error, failures);
    }
    await sleep(options.intervalMs ?? 1000, options.signal);
  }
  return last;
}
