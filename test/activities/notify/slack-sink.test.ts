import { inspect } from 'node:util';
import { slackSink } from '../../../activities/notify/sinks/slack';
import { SlackOutcomeUnknown } from '../../../activities/notify/sinks/slack-errors';
import type { NotifyEvent } from '../../../lib/notify/events';
import { SinkError, type SinkContext } from '../../../lib/notify/plugin';
import {
  mrkdwnTexts,
  slackPayloadProblems,
  startSlackWebhookServer,
  type SlackWebhookServer,
} from '../../fixtures/slack-webhook-server';
import { finishedWith200Failures, sampleEvent, sampleEvents } from '../../lib/notify/slack-sample-events';

const links = {
  status: 'br build status build-shop-3f9a2c1d',
  webUi: 'https://temporal.example/wf/build-shop-3f9a2c1d',
};

let slack: SlackWebhookServer;
beforeEach(async () => {
  slack = await startSlackWebhookServer();
});
afterEach(() => slack.close());

interface Run {
  ctx: SinkContext;
  logs: string[];
  abort: AbortController;
}

function run(env: Record<string, string | undefined>, options: Record<string, unknown> = {}): Run {
  const logs: string[] = [];
  const abort = new AbortController();
  const ctx: SinkContext = {
    idempotencyKey: 'build-shop-3f9a2c1d/task.failed/t4#slack',
    attempt: 1,
    signal: abort.signal,
    env,
    options,
    links,
    log: (m) => logs.push(m),
  };
  return { ctx, logs, abort };
}

const hookEnv = (hook: string) => ({ SLACK_WEBHOOK_URL: slack.hookUrl(hook) });

async function failure(p: Promise<unknown>): Promise<SinkError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SinkError);
  return error as SinkError;
}

/** Everything a failure could show: message, hint, stack, its JSON and its full inspection. */
function everything(error: SinkError, logs: string[]): string {
  return [
    error.message,
    error.hint,
    error.stack,
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    ...logs,
  ].join('\n');
}

describe('the Slack sink', () => {
  it('posts each event type as one message Slack accepts, with the links', async () => {
    const events = sampleEvents();
    const results = await Promise.all(
      events.map((event, i) => slackSink.deliver(event, run(hookEnv(`each${i}`)).ctx)),
    );
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    events.forEach((event, i) => {
      const posted = slack.posted(`each${i}`);
      expect(posted).toHaveLength(1);
      const texts = mrkdwnTexts(posted[0]!).join('\n');
      expect(texts).toContain('<https://temporal.example/wf/build-shop-3f9a2c1d|Temporal Web UI>');
      expect(texts).toContain('`br build status build-shop-3f9a2c1d`');
      expect(posted[0]).toMatchObject({
        text: expect.stringContaining('build-shop-3f9a2c1d'),
        unfurl_links: false,
      });
    });
    expect(slack.requests.every((r) => r.problems.length === 0)).toBe(true);
  });

  it('posts a 10,000-character failure message and a 200-failure summary within the limits', async () => {
    const failed = sampleEvent('task.failed');
    const long: NotifyEvent = { ...failed, data: { ...failed.data, message: 'y'.repeat(10_000) } };
    await slackSink.deliver(long, run(hookEnv('long')).ctx);
    await slackSink.deliver(finishedWith200Failures(), run(hookEnv('many')).ctx);
    for (const hook of ['long', 'many']) {
      const [payload] = slack.posted(hook);
      expect(slackPayloadProblems(payload!)).toEqual([]);
      expect(mrkdwnTexts(payload!).join('\n')).toMatch(/more characters not shown/);
    }
  });

  it('posts a title that tries to mention @channel with the mention escaped', async () => {
    const failed = sampleEvent('task.failed');
    const event: NotifyEvent = {
      ...failed,
      data: { ...failed.data, title: '<!channel> deploy <http://evil.example|now>' },
    };
    await slackSink.deliver(event, run(hookEnv('escape')).ctx);
    const texts = mrkdwnTexts(slack.posted('escape')[0]!);
    expect(texts.join('\n')).toContain('&lt;!channel&gt; deploy &lt;http://evil.example|now&gt;');
    expect(texts.join('\n')).not.toContain('<!channel>');
    expect(texts.join('\n')).not.toContain('<http://evil');
  });

  it('sends one message a second per webhook, and does not hold one webhook up for another', async () => {
    const event = sampleEvent('task.failed');
    const start = Date.now();
    await Promise.all([
      ...[1, 2, 3].map(() => slackSink.deliver(event, run(hookEnv('busy')).ctx)),
      slackSink.deliver(event, run(hookEnv('other')).ctx),
      slackSink.deliver(event, run(hookEnv('third')).ctx),
    ]);
    const busy = slack.requests.filter((r) => r.hook === 'busy').map((r) => r.at);
    expect(busy).toHaveLength(3);
    expect(busy[1]! - busy[0]!).toBeGreaterThanOrEqual(900);
    expect(busy[2]! - busy[1]!).toBeGreaterThanOrEqual(900);
    for (const hook of ['other', 'third']) {
      const [request] = slack.requests.filter((r) => r.hook === hook);
      expect(request!.at - start).toBeLessThan(700);
    }
    expect(slack.posted('busy')).toHaveLength(3);
  });

  it('waits out Retry-After on a 429, then posts the message once', async () => {
    slack.script('limited', { status: 429, body: 'rate_limited', retryAfter: 2 });
    const { ctx, logs } = run(hookEnv('limited'));
    await expect(slackSink.deliver(sampleEvent('build.finished'), ctx)).resolves.toMatchObject({
      status: 'delivered',
    });
    const tries = slack.requests.filter((r) => r.hook === 'limited');
    expect(tries.map((r) => r.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(slack.posted('limited')).toHaveLength(1);
    expect(logs.join('\n')).toContain('waiting 2s (Retry-After)');
  });

  it('gives up at once, retryable, when Retry-After would pass the timeout', async () => {
    slack.script('long-wait', { status: 429, body: 'rate_limited', retryAfter: 120 });
    const start = Date.now();
    const error = await failure(slackSink.deliver(sampleEvent('task.failed'), run(hookEnv('long-wait')).ctx));
    expect(Date.now() - start).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(error.message).toContain('asks to wait 120s');
    expect(slack.posted('long-wait')).toHaveLength(0);
  });

  it("gives up by the notifier's deadline, not only by its own timeout", async () => {
    slack.script('deadline', { status: 429, body: 'rate_limited', retryAfter: 1 });
    const { ctx } = run(hookEnv('deadline'));
    const error = await failure(
      slackSink.deliver(sampleEvent('task.failed'), { ...ctx, deadline: Date.now() + 2500 }),
    );
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(slack.requests.filter((r) => r.hook === 'deadline')).toHaveLength(1);
  });

  it('stops waiting for Retry-After when the notifier aborts', async () => {
    slack.script('aborted', { status: 429, body: 'rate_limited', retryAfter: 10 });
    const { ctx, abort } = run(hookEnv('aborted'));
    const start = Date.now();
    setTimeout(() => abort.abort(), 300);
    const error = await failure(slackSink.deliver(sampleEvent('task.failed'), ctx));
    expect(Date.now() - start).toBeLessThan(2000);
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(slack.requests.filter((r) => r.hook === 'aborted')).toHaveLength(1);
  });

  it('stops a request Slack does not answer when aborted, and says the message may have been posted', async () => {
    slack.script('slow', { status: 200, body: 'ok', delayMs: 5000 });
    const { ctx, abort } = run(hookEnv('slow'));
    setTimeout(() => abort.abort(), 300);
    const start = Date.now();
    const error = await slackSink.deliver(sampleEvent('task.failed'), ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(Date.now() - start).toBeLessThan(2000);
    // Not a SinkError: that would tell the notifier nothing was posted, and it could post it again.
    expect(error).toBeInstanceOf(SlackOutcomeUnknown);
    expect(error).not.toBeInstanceOf(SinkError);
    expect(error!.message).toContain('may have been posted');
    expect(error!.message).not.toContain(slack.secretOf('slow'));
  });

  it.each([
    [400, 'invalid_payload', 'rejected', false, 'BuildRunner bug'],
    [400, 'invalid_blocks', 'rejected', false, 'BuildRunner bug'],
    [403, 'action_prohibited', 'permission', false, 'admin'],
    [403, 'invalid_token', 'permission', false, 'Create a new incoming webhook'],
    [404, 'no_service', 'config', false, 'Create a new incoming webhook'],
    [410, 'channel_is_archived', 'config', false, 'Create a new incoming webhook'],
    [500, 'rollup_error', 'unavailable', true, 'tries again later'],
    [503, '<html>Service Unavailable</html>', 'unavailable', true, 'tries again later'],
  ] as const)(
    'turns HTTP %i %s into a %s error (retryable: %s) with a hint',
    async (status, body, kind, retryable, hint) => {
      const hook = `e${status}${body.length}`;
      slack.script(hook, { status, body });
      const error = await failure(slackSink.deliver(sampleEvent('task.failed'), run(hookEnv(hook)).ctx));
      expect(error).toMatchObject({ kind, retryable });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.hint).toContain(hint);
      // The client itself does not retry, not even a 5xx: a second post could be a second message.
      expect(slack.requests.filter((r) => r.hook === hook)).toHaveLength(1);
    },
  );

  it('answers a revoked webhook (Slack 404 no_service) with the fix', async () => {
    const url = slack.hookUrl('gone').replace(slack.secretOf('gone'), 'revokedSecret123');
    const error = await failure(
      slackSink.deliver(sampleEvent('task.failed'), run({ SLACK_WEBHOOK_URL: url }).ctx),
    );
    expect(error).toMatchObject({
      kind: 'config',
      retryable: false,
      message: 'Slack answered HTTP 404 no_service',
    });
  });

  it.each([
    ['missing', undefined, 'SLACK_WEBHOOK_URL is not set'],
    ['empty', '  ', 'SLACK_WEBHOOK_URL is not set'],
    ['not a URL', 'hooks.slack.com/services/T1/B1/abcSECRETabc', 'is not a URL'],
    ['plain http', 'http://hooks.slack.com/services/T1/B1/abcSECRETabc', 'must be an https:// URL'],
    ['no path', 'https://hooks.slack.com/', 'has no webhook path'],
    ['credentials', 'https://me:abcSECRETabc@hooks.slack.com/services/T1/B1/x', 'user name or password'],
  ])(
    'refuses a %s URL as a config error and check() says so without sending',
    async (_what, value, expected) => {
      const env = { SLACK_WEBHOOK_URL: value };
      const { ctx, logs } = run(env);
      const error = await failure(slackSink.deliver(sampleEvent('build.started'), ctx));
      expect(error).toMatchObject({ kind: 'config', retryable: false });
      expect(error.message).toContain(expected);
      expect(error.hint).toContain('Incoming Webhooks');
      expect(slackSink.check!({}, env)).toEqual([expect.stringContaining(expected)]);
      expect(everything(error, logs)).not.toContain('abcSECRETabc');
      expect(slack.requests).toHaveLength(0);
    },
  );

  it('reads the URL from the variable the urlEnv option names', async () => {
    const env = { ALERTS_WEBHOOK: slack.hookUrl('alerts') };
    expect(slackSink.check!({ urlEnv: 'ALERTS_WEBHOOK' }, env)).toEqual([]);
    expect(slackSink.check!({}, env)).toEqual([expect.stringContaining('SLACK_WEBHOOK_URL is not set')]);
    expect(slackSink.check!({ urlEnv: 'no spaces' }, env)).toEqual([expect.stringContaining('urlEnv')]);
    expect(slackSink.check!({ urlEnv: 'ALERTS_WEBHOOK', channel: '#x' }, env)).toEqual([
      expect.stringContaining('option "channel" is not known'),
    ]);
    await slackSink.deliver(sampleEvent('build.started'), run(env, { urlEnv: 'ALERTS_WEBHOOK' }).ctx);
    expect(slack.posted('alerts')).toHaveLength(1);
  });

  it('never shows the webhook URL in an error or a log line', async () => {
    const scenarios: { hook: string; status?: number; body?: string; retryAfter?: number }[] = [
      { hook: 'm400', status: 400, body: 'invalid_payload' },
      { hook: 'm403', status: 403, body: 'action_prohibited' },
      { hook: 'm410', status: 410, body: 'channel_is_archived' },
      { hook: 'm429', status: 429, body: 'rate_limited', retryAfter: 300 },
      { hook: 'm500', status: 500, body: 'rollup_error' },
    ];
    const seen: string[] = [];
    for (const s of scenarios) {
      slack.script(s.hook, { status: s.status!, body: s.body!, retryAfter: s.retryAfter });
      const { ctx, logs } = run(hookEnv(s.hook));
      const error = await failure(slackSink.deliver(sampleEvent('task.failed'), ctx));
      seen.push(everything(error, logs));
      expect(everything(error, logs)).not.toContain(slack.secretOf(s.hook));
    }
    // Nobody listens on the port of a closed server: the fetch error's cause names the address.
    const closed = await startSlackWebhookServer();
    const url = closed.hookUrl('dead');
    await closed.close();
    const { ctx, logs } = run({ SLACK_WEBHOOK_URL: url });
    const error = await failure(slackSink.deliver(sampleEvent('task.failed'), ctx));
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(error.message).toBe('Slack could not be reached (ECONNREFUSED)');
    expect(everything(error, logs)).not.toContain(closed.secretOf('dead'));
    expect(everything(error, logs)).not.toContain('/services/');
    expect(seen.join('\n')).not.toContain('/services/');
  });

  it('waits, logging no URL, and a log line names the webhook by a short hash', async () => {
    slack.script('logged', { status: 429, body: 'rate_limited', retryAfter: 1 });
    const { ctx, logs } = run(hookEnv('logged'));
    await slackSink.deliver(sampleEvent('build.started'), ctx);
    expect(logs).toEqual([
      expect.stringMatching(/^slack: Slack answered 429 for webhook [0-9a-f]{8}; waiting 1s/),
    ]);
    expect(logs.join('\n')).not.toContain(slack.secretOf('logged'));
  });

  it('declares what it needs: its variable, a timeout, and that it is not idempotent', () => {
    expect(slackSink).toMatchObject({ name: 'slack', idempotent: false, timeoutMs: 30_000 });
    expect(slackSink.env).toEqual([expect.objectContaining({ name: 'SLACK_WEBHOOK_URL', required: true })]);
    expect(slackSink.events).toHaveLength(6);
  });
});
