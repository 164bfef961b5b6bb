import { SinkError, type SinkErrorKind } from '../../../lib/notify/plugin';

/**
 * Slack's answers to an incoming webhook, as typed SinkErrors with what to do. Slack answers an error
 * with an HTTP status and a short code as the body (`invalid_payload`, `channel_is_archived`). The
 * messages built here never carry the webhook URL: nothing from the client's error (whose cause can
 * hold the request) is copied, only the status, Slack's code and a system error code.
 */

const NEW_WEBHOOK =
  'Create a new incoming webhook in the Slack app (Features → Incoming Webhooks) and put its URL in SLACK_WEBHOOK_URL (or the variable named by the urlEnv option) in the worker environment or its secrets file.';
const BUG =
  'Slack refused the message itself: this is a BuildRunner bug. Report it with the event type; the build is unaffected.';

const BY_CODE: Record<string, { kind: SinkErrorKind; retryable: boolean; hint: string }> = {
  invalid_payload: { kind: 'rejected', retryable: false, hint: BUG },
  invalid_blocks: { kind: 'rejected', retryable: false, hint: BUG },
  invalid_blocks_format: { kind: 'rejected', retryable: false, hint: BUG },
  no_text: { kind: 'rejected', retryable: false, hint: BUG },
  too_many_attachments: { kind: 'rejected', retryable: false, hint: BUG },
  action_prohibited: {
    kind: 'permission',
    retryable: false,
    hint: 'A workspace admin restricts what this Slack app may post there: ask an admin to allow it, or make a webhook for another channel.',
  },
  posting_to_general_channel_denied: {
    kind: 'permission',
    retryable: false,
    hint: 'Only admins may post in this channel: make a webhook for another channel.',
  },
  invalid_token: {
    kind: 'permission',
    retryable: false,
    hint: `The webhook was revoked (the app was removed or reinstalled). ${NEW_WEBHOOK}`,
  },
  no_service: { kind: 'config', retryable: false, hint: `The webhook no longer exists. ${NEW_WEBHOOK}` },
  no_service_id: { kind: 'config', retryable: false, hint: `The webhook URL is incomplete. ${NEW_WEBHOOK}` },
  no_team: { kind: 'config', retryable: false, hint: `The workspace is gone. ${NEW_WEBHOOK}` },
  team_disabled: { kind: 'config', retryable: false, hint: `The workspace is disabled. ${NEW_WEBHOOK}` },
  channel_not_found: {
    kind: 'config',
    retryable: false,
    hint: `The webhook's channel was deleted. ${NEW_WEBHOOK}`,
  },
  channel_is_archived: {
    kind: 'config',
    retryable: false,
    hint: `The webhook's channel is archived: unarchive it, or make a new webhook for another channel. ${NEW_WEBHOOK}`,
  },
};

/** Slack's short error code from a body, or undefined when the body is not one (an HTML page). */
export function slackCode(body: string): string | undefined {
  const text = body.trim();
  return /^[a-z][a-z0-9_]{1,63}$/.test(text) ? text : undefined;
}

export function httpError(status: number, body: string): SinkError {
  const code = slackCode(body);
  const what = `Slack answered HTTP ${status}${code ? ` ${code}` : ''}`;
  const known = code ? BY_CODE[code] : undefined;
  if (known) return new SinkError(what, known.kind, known.retryable, known.hint);
  if (status >= 500)
    return new SinkError(what, 'unavailable', true, 'Slack had a problem; the notifier tries again later.');
  if (status === 401 || status === 403)
    return new SinkError(what, 'permission', false, `Slack does not let this webhook post. ${NEW_WEBHOOK}`);
  if (status === 404 || status === 410)
    return new SinkError(what, 'config', false, `The webhook no longer works. ${NEW_WEBHOOK}`);
  return new SinkError(what, 'rejected', false, BUG);
}

/**
 * A failure after which the message may have been posted: the connection broke or the sink was
 * stopped while Slack had the request. Deliberately not a SinkError, which would tell the notifier
 * that nothing was posted (lib/notify/plugin.ts): the ledger then never sends this message again.
 */
export class SlackOutcomeUnknown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackOutcomeUnknown';
  }
}

/** System codes of a request that never reached Slack: no connection, no name, a refused certificate. */
const NEVER_SENT =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$|CERT|SIGNATURE|TLS/;

/** No answer from Slack: refused connection, DNS, a broken connection, or the sink stopped. */
export function requestError(error: unknown, aborted: boolean): Error {
  const code = systemCode(error);
  if (!aborted && code && NEVER_SENT.test(code))
    return new SinkError(
      `Slack could not be reached (${code})`,
      'unavailable',
      true,
      'Check that the worker can reach Slack over HTTPS (a proxy or firewall); the notifier tries again later.',
    );
  return new SlackOutcomeUnknown(
    aborted
      ? 'Slack did not answer before the sink was stopped: the message may have been posted'
      : `the connection to Slack broke${code ? ` (${code})` : ''}: the message may have been posted`,
  );
}

/**
 * What the sink's fetch throws instead of fetch's own error: only the system code, so nothing of the
 * request (the URL) can travel further inside the client's error.
 */
export class RequestFailure extends Error {
  constructor(readonly code: string | undefined) {
    super(`request failed${code ? ` (${code})` : ''}`);
    this.name = 'RequestFailure';
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`…: from the error or its causes, never their messages (which name the URL). */
export function systemCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,60}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The last guard: replaces the URL and its secret path wherever a text might carry them. */
export function maskUrl(text: string, url: string): string {
  let out = text.split(url).join('[webhook URL]');
  try {
    const path = new URL(url).pathname;
    if (path.length > 8) out = out.split(path).join('[webhook path]');
  } catch {
    // a URL that does not parse was never used for a request
  }
  return out;
}
