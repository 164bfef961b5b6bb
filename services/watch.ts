import type { BuildStatus } from '../workflows/core/progress';

/**
 * Polls a build until it ends, handing each reading to the renderer. A transient failure (worker
 * restarting) is retried; the last reading decides the outcome.
 */
export interface WatchOptions<T extends { status: BuildStatus }> {
  intervalMs?: number;
  onSnapshot(snapshot: T): void;
  onRetry?(error: Error, attempt: number): void;
  /** Stop watching (the build goes on). */
  signal?: AbortSignal;
  /** Consecutive query failures tolerated before giving up. */
  maxFailures?: number;
  isTerminal(status: BuildStatus): boolean;
}

/**
 * Resolves after `ms`, or at once when `signal` aborts. Its abort listener is removed either way: the
 * signal lives as long as the watch, and a listener left per poll grows without end (Node warns at 11).
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function watchProgress<T extends { status: BuildStatus }>(
  query: () => Promise<T>,
  options: WatchOptions<T>,
): Promise<T | null> {
  let last: T | null = null;
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
    await pause(options.intervalMs ?? 1000, options.signal);
  }
  return last;
}
