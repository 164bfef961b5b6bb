/**
 * The generic webhook sink (built in): POSTs the event as JSON, signed with HMAC-SHA256 of the raw body
 * (`X-BuildRunner-Signature: sha256=<hex>`), with the delivery's idempotency key as `Idempotency-Key`.
 * 5xx, 429 and dropped connections are retried with backoff inside the sink's timeout (a 429's
 * Retry-After is honoured). Idempotent: a receiver that dedupes by the key sees each delivery once.
 */
import { createHmac } from 'node:crypto';
import { NOTIFY_EVENT_TYPES, type NotifyEvent } from '../../../lib/notify/events';
import { definePlugin, SinkError, type SinkContext, type SinkDefinition } from '../../../lib/notify/plugin';

export const SIGNATURE_HEADER = 'X-BuildRunner-Signature';
const DEFAULT_URL_ENV = 'BR_WEBHOOK_URL';
const DEFAULT_SECRET_ENV = 'BR_WEBHOOK_SECRET';
const TRIES = 5;
const FIRST_BACKOFF_MS = 250;

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function envNames(options: Readonly<Record<string, unknown>>): { url: string; secret: string } {
  const name = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);
  return { url: name(options.urlEnv, DEFAULT_URL_ENV), secret: name(options.secretEnv, DEFAULT_SECRET_ENV) };
}

function check(
  options: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const names = envNames(options);
  const problems: string[] = [];
  const url = env[names.url];
  if (!url) problems.push(`${names.url} is not set: the receiver's URL (http or https)`);
  else if (!isHttpUrl(url))
    problems.push(`${names.url} is not an http(s) URL: set it to the receiver's address`);
  else if (hasCredentials(url))
    problems.push(`${names.url} carries a user name or password: put credentials in the secret, not the URL`);
  if (!env[names.secret])
    problems.push(`${names.secret} is not set: the shared secret the receiver checks signatures with`);
  return problems;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** fetch refuses such a URL (with an error that repeats it): a config error, never a request. */
function hasCredentials(value: string): boolean {
  const u = new URL(value);
  return !!(u.username || u.password);
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function deliver(event: NotifyEvent, ctx: SinkContext) {
  const names = envNames(ctx.options);
  const url = ctx.env[names.url];
  const secret = ctx.env[names.secret];
  if (!url || !isHttpUrl(url))
    throw new SinkError(
      `the webhook URL in ${names.url} is ${url ? 'not an http(s) URL' : 'not set'}`,
      'config',
      false,
      `Set ${names.url} in the worker's environment (or its .env file) to the receiver's http(s) URL, then restart the worker.`,
    );
  if (hasCredentials(url))
    throw new SinkError(
      `the webhook URL in ${names.url} carries a user name or password`,
      'config',
      false,
      `Remove them from ${names.url}: the receiver authenticates the event by its ${SIGNATURE_HEADER} (the secret in ${names.secret}).`,
    );
  if (!secret)
    throw new SinkError(
      `the signing secret ${names.secret} is not set`,
      'config',
      false,
      `Set ${names.secret} in the worker's environment (or its .env file) to the secret the receiver verifies with.`,
    );
  const body = JSON.stringify({ ...event, links: ctx.links });
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'buildrunner-webhook/1',
    'idempotency-key': ctx.idempotencyKey,
    'x-buildrunner-event': event.type,
    [SIGNATURE_HEADER.toLowerCase()]: signature(secret, body),
  };
  let last = '';
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    let wait = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
    try {
      // A redirect is not followed: a 302 would turn the POST into a GET that "succeeds" without the
      // event, a 307 would carry the signed body to wherever the answer points.
      const res = await fetch(url, { method: 'POST', headers, body, signal: ctx.signal, redirect: 'manual' });
      // Only the status matters: the body is never read, so an endless or huge one costs nothing.
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return { status: 'delivered' as const, detail: `HTTP ${res.status}` };
      last = `HTTP ${res.status}`;
      if (res.status >= 300 && res.status < 400)
        throw new SinkError(
          `the receiver answered HTTP ${res.status} (a redirect), which is not followed`,
          'config',
          false,
          `Set ${names.url} to the address the receiver redirects to (its final URL).`,
        );
      if (res.status === 429) wait = retryAfterMs(res.headers.get('retry-after')) ?? wait;
      else if (res.status < 500)
        throw new SinkError(
          `the receiver refused the event: HTTP ${res.status}`,
          res.status === 401 || res.status === 403 ? 'permission' : 'rejected',
          false,
          res.status === 401 || res.status === 403
            ? `The receiver did not accept the signature: check that it verifies ${SIGNATURE_HEADER} with the secret in ${names.secret}.`
            : 'The receiver refused the request as sent; check what it expects (its logs say why).',
        );
    } catch (err) {
      if (err instanceof SinkError || ctx.signal.aborted) throw err;
      last = `no answer (${(err as Error).message})`;
    }
    const left = (ctx.deadline ?? Infinity) - Date.now();
    if (attempt === TRIES || wait >= left) break;
    ctx.log(`webhook: ${last}; trying again in ${wait} ms`);
    await sleep(wait, ctx.signal);
  }
  throw new SinkError(
    `the receiver did not take the event: ${last}`,
    last === 'HTTP 429' ? 'rate-limited' : 'unavailable',
    true,
    'The receiver is down or overloaded; the notifier tries again later.',
  );
}

export const webhookSink: SinkDefinition = {
  name: 'webhook',
  description: 'POSTs each event as JSON to a URL, signed with HMAC-SHA256 (X-BuildRunner-Signature)',
  events: NOTIFY_EVENT_TYPES,
  env: [
    {
      name: DEFAULT_URL_ENV,
      required: true,
      description: 'the receiver URL (options.urlEnv names another variable)',
    },
    {
      name: DEFAULT_SECRET_ENV,
      required: true,
      description: 'the HMAC-SHA256 signing secret (options.secretEnv names another variable)',
    },
  ],
  timeoutMs: 10_000,
  idempotent: true,
  check,
  deliver,
};

export const webhookPlugin = definePlugin({ name: 'webhook', apiVersion: 1, sinks: [webhookSink] });
