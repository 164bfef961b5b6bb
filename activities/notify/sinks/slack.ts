import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
} from '@slack/webhook';
import { NOTIFY_EVENT_TYPES, NOTIFY_EVENT_VERSION, type NotifyEvent } from '../../../lib/notify/events';
import { definePlugin, SinkError, type SinkContext, type SinkDefinition } from '../../../lib/notify/plugin';
import { slackMessage } from '../../../lib/notify/slack-blocks';
import {
  httpError,
  maskUrl,
  requestError,
  RequestFailure,
  SlackOutcomeUnknown,
  systemCode,
} from './slack-errors';
import { holdOff, hookKey, takeSlot } from './slack-limiter';

/**
 * The Slack sink: each event as one Block Kit message (lib/notify/slack-blocks.ts) through an
 * incoming webhook, with Slack's own client. Not idempotent: a webhook cannot dedupe, so the notifier's
 * ledger is what keeps a message from being posted twice, and this sink itself posts a message again
 * only after Slack answered 429 (which means it did not post it). It throws a SinkError only when
 * nothing was posted; a broken connection or a stop mid-request is a SlackOutcomeUnknown.
 *
 * The URL is a secret: it comes from the environment only (SLACK_WEBHOOK_URL, or the variable the
 * `urlEnv` option names) and appears in no error, hint or log line.
 */

export const DEFAULT_URL_ENV = 'SLACK_WEBHOOK_URL';

/**
 * Room for a burst of events queued one per second on one webhook, and for one Retry-After of a few
 * seconds; the build never waits on this sink for longer.
 */
const TIMEOUT_MS = 30_000;
/** Kept free at the end of the timeout for the request itself. */
const REQUEST_MARGIN_MS = 2_000;
/** The first try and, after 429s, at most two more. */
const MAX_TRIES = 3;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const OPTIONS = ['urlEnv'];

const SET_URL =
  'Create an incoming webhook in your Slack app (Features → Incoming Webhooks → Add New Webhook) and put its URL, https://hooks.slack.com/services/…, in the worker environment or its secrets file.';

export const slackSink: SinkDefinition = {
  name: 'slack',
  description:
    'Posts each event to a Slack channel through an incoming webhook (Block Kit, one message a second)',
  events: NOTIFY_EVENT_TYPES,
  // A message per merged task is noise in a channel; config can still ask for task.succeeded.
  defaultEvents: NOTIFY_EVENT_TYPES.filter((e) => e !== 'task.succeeded'),
  env: [
    {
      name: DEFAULT_URL_ENV,
      required: true,
      description:
        'The Slack incoming-webhook URL (a secret); the sink option urlEnv may name another variable',
    },
  ],
  timeoutMs: TIMEOUT_MS,
  idempotent: false,
  check(options, env) {
    const unknown = Object.keys(options).filter((k) => !OPTIONS.includes(k));
    const problems = unknown.map((k) => `slack: option "${k}" is not known (the Slack sink takes: urlEnv)`);
    const target = webhookUrl(options, env);
    if (target instanceof SinkError) problems.push(`${target.message}. ${target.hint ?? ''}`.trim());
    return problems;
  },
  deliver,
};

export const slackPlugin = definePlugin({ name: 'slack', apiVersion: 1, sinks: [slackSink] });

async function deliver(event: NotifyEvent, ctx: SinkContext) {
  if (event.version !== NOTIFY_EVENT_VERSION)
    return { status: 'skipped' as const, reason: `event version ${String(event.version)} is not 1` };
  const url = webhookUrl(ctx.options, ctx.env);
  if (url instanceof SinkError) throw url;
  try {
    return await post(event, ctx, url);
  } catch (error) {
    throw masked(error, url, ctx.signal.aborted);
  }
}

async function post(event: NotifyEvent, ctx: SinkContext, url: string) {
  const deadline = (ctx.deadline ?? Date.now() + TIMEOUT_MS) - REQUEST_MARGIN_MS;
  const key = hookKey(url);
  const name = `webhook ${key.slice(0, 8)}`;
  let retryAfter: string | null = null;
  // The client takes a fetch function: the one place to pass the sink's abort signal, to read
  // Retry-After (which the client's HTTP error does not keep), and to keep fetch's own error (whose
  // cause can name the URL) out of the client's.
  const fetchFn: FetchFunction = async (input, init) => {
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: ctx.signal });
    } catch (error) {
      throw new RequestFailure(systemCode(error));
    }
    retryAfter = response.headers.get('retry-after');
    // Node's Response is what the client expects (its own type names Headers.entries, which Node's types omit).
    return response as unknown as Awaited<ReturnType<FetchFunction>>;
  };
  // No retries by the client: a 5xx or a lost answer may follow a posted message.
  const hook = new IncomingWebhook(url, { fetch: fetchFn, retryConfig: { retries: 0 } });
  const message = slackMessage(event, ctx.links);
  for (let tries = 1; ; tries++) {
    const done = await takeSlot(key, ctx.signal, deadline);
    try {
      await hook.send(message).finally(done);
      return { status: 'delivered' as const, detail: `posted to Slack (${name})` };
    } catch (error) {
      if (!(error instanceof IncomingWebhookHTTPError) || error.statusCode !== 429) throw error;
      const waitMs = retryAfterMs(retryAfter);
      holdOff(key, waitMs);
      if (tries >= MAX_TRIES || Date.now() + waitMs > deadline) throw rateLimited(waitMs, tries);
      ctx.log(
        `slack: Slack answered 429 for ${name}; waiting ${waitMs / 1000}s (Retry-After), then one more try`,
      );
    }
  }
}

/** The webhook URL from the environment, or the config error that says how to set it. */
export function webhookUrl(
  options: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): string | SinkError {
  const varName = options.urlEnv ?? DEFAULT_URL_ENV;
  if (typeof varName !== 'string' || !ENV_NAME.test(varName))
    return configError(
      'slack: option urlEnv must name an environment variable (letters, digits, "_")',
      `For example urlEnv: "SLACK_ALERTS_WEBHOOK_URL". ${SET_URL}`,
    );
  const raw = env[varName]?.trim();
  if (!raw) return configError(`slack: ${varName} is not set`, `${SET_URL} Name it ${varName}.`);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return configError(`slack: ${varName} is not a URL`, `Copy the whole Webhook URL from Slack. ${SET_URL}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    return configError(
      `slack: ${varName} must be an https:// URL`,
      `Plain http is taken only for a loopback address (a local relay). ${SET_URL}`,
    );
  if (parsed.username || parsed.password)
    return configError(`slack: ${varName} must not carry a user name or password`, SET_URL);
  if (parsed.pathname.split('/').filter(Boolean).length < 2)
    return configError(`slack: ${varName} has no webhook path`, SET_URL);
  return raw;
}

function configError(message: string, hint: string): SinkError {
  return new SinkError(message, 'config', false, hint);
}

/**
 * The longest Retry-After this process holds a hook for. Slack's limits are per minute; a relay or
 * proxy answering hours (or 10^20 s) would otherwise silence the hook until the worker restarts.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * Retry-After in seconds (what Slack sends) or as an HTTP date; 1 s when absent or unreadable;
 * never more than MAX_RETRY_AFTER_MS.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const date = header ? Date.parse(header) : NaN;
  const ms =
    header && /^\d+$/.test(header.trim())
      ? Number(header.trim()) * 1000
      : Number.isFinite(date)
        ? Math.max(0, date - now)
        : 1000;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function rateLimited(waitMs: number, tries: number): SinkError {
  const seconds = Math.ceil(waitMs / 1000);
  return new SinkError(
    tries >= MAX_TRIES
      ? `Slack answered 429 rate_limited ${tries} times`
      : `Slack answered 429 rate_limited and asks to wait ${seconds}s, past the sink's timeout`,
    'rate-limited',
    true,
    `Nothing was posted; the notifier tries again later. Slack takes about one message a second per webhook${
      tries >= MAX_TRIES ? '' : ` and asked to wait ${seconds}s`
    }.`,
  );
}

/**
 * Every failure as a SinkError (nothing was posted) or a SlackOutcomeUnknown (it may have been), whose
 * message and hint cannot name the webhook URL.
 */
function masked(error: unknown, url: string, aborted: boolean): Error {
  let out: Error;
  if (error instanceof SinkError) out = error;
  else if (error instanceof IncomingWebhookHTTPError) out = httpError(error.statusCode, error.body);
  else if (error instanceof IncomingWebhookRequestError) out = requestError(error.original, aborted);
  else if (aborted) out = requestError(error, true);
  else
    out = new SinkError(
      `slack: unexpected failure (${error instanceof Error ? error.name : typeof error})`,
      'rejected',
      false,
      'A BuildRunner bug: report it with the event type; the build is unaffected.',
    );
  if (!(out instanceof SinkError)) return new SlackOutcomeUnknown(maskUrl(out.message, url));
  return new SinkError(
    maskUrl(out.message, url),
    out.kind,
    out.retryable,
    out.hint === undefined ? undefined : maskUrl(out.hint, url),
  );
}
