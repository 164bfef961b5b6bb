import { createHash } from 'node:crypto';
import { SinkError } from '../../../lib/notify/plugin';

/**
 * One message per second per webhook URL, as Slack asks of incoming webhooks, within this process.
 * Keyed by a hash of the URL so the secret itself is never kept as a key. Each caller reserves the
 * next free slot, then sleeps until it; a 429 pushes the hook's next slot past its Retry-After, so
 * messages already queued for that hook wait too. Slots of different URLs never wait on each other.
 * A slot is a plan: a caller that wakes late (a busy worker) or a message slow to go out would bring
 * the next one closer, so a caller also waits until the hook's message before it has finished and a
 * full interval has passed since then.
 */
export const SLACK_INTERVAL_MS = 1000;

const nextFree = new Map<string, number>();
/** When the hook's last message finished (or was let out, while it is in flight). */
const lastSent = new Map<string, number>();
const inFlight = new Map<string, Promise<void>>();

export function hookKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/**
 * Waits for this hook's next slot. Refuses (rate-limited, retryable) when the slot comes after
 * `deadline` or the signal aborts first: the notifier can try again later, nothing was sent. The
 * caller sends its message, then calls the returned `done` (also when sending failed).
 */
export async function takeSlot(key: string, signal: AbortSignal, deadline: number): Promise<() => void> {
  const now = Date.now();
  prune(now);
  const slot = Math.max(now, nextFree.get(key) ?? 0);
  if (slot > deadline) throw queued(slot - now);
  nextFree.set(key, slot + SLACK_INTERVAL_MS);
  await sleep(slot - now, signal, () => queued(slot - now));
  for (;;) {
    const busy = inFlight.get(key);
    if (busy) {
      await Promise.race([busy, sleep(SLACK_INTERVAL_MS, signal, () => queued(SLACK_INTERVAL_MS))]);
      continue;
    }
    const since = Date.now() - (lastSent.get(key) ?? Number.NEGATIVE_INFINITY);
    if (since >= SLACK_INTERVAL_MS) break;
    await sleep(SLACK_INTERVAL_MS - since, signal, () => queued(SLACK_INTERVAL_MS - since));
  }
  let finish!: () => void;
  inFlight.set(key, new Promise<void>((resolve) => (finish = resolve)));
  lastSent.set(key, Date.now());
  return () => {
    const at = Date.now();
    lastSent.set(key, at);
    nextFree.set(key, Math.max(nextFree.get(key) ?? 0, at + SLACK_INTERVAL_MS));
    inFlight.delete(key);
    finish();
  };
}

/** After a 429: nothing goes to this hook until Retry-After has passed. */
export function holdOff(key: string, ms: number): void {
  nextFree.set(key, Math.max(nextFree.get(key) ?? 0, Date.now() + ms));
}

/** Sleeps `ms`, or rejects with `onAbort()` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal, onAbort: () => Error): Promise<void> {
  if (signal.aborted) return Promise.reject(onAbort());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    };
    const abort = () => {
      done();
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}

function queued(waitMs: number): SinkError {
  return new SinkError(
    `Slack: this webhook's one-message-per-second queue is ${Math.ceil(waitMs / 1000)}s long, past the sink's timeout`,
    'rate-limited',
    true,
    'Nothing was sent; the notifier tries again later. Many events at once for one webhook queue up: narrow the events this sink takes, or use one webhook per channel.',
  );
}

function prune(now: number): void {
  if (nextFree.size < 64) return;
  for (const [key, at] of nextFree) if (at < now) nextFree.delete(key);
  for (const [key, at] of lastSent) {
    if (at + SLACK_INTERVAL_MS < now && !inFlight.has(key)) lastSent.delete(key);
  }
}
