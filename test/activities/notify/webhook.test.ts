import { createHmac } from 'node:crypto';
import { webhookSink, signature, retryAfterMs } from '../../../activities/notify/sinks/webhook';
import type { NotifyEvent } from '../../../lib/notify/events';
import { SinkError, type SinkContext } from '../../../lib/notify/plugin';
import { startReceiver, type Receiver } from '../../fixtures/notify/receiver';

const SECRET = 'whsec-test-0123456789abcdef';

const event: NotifyEvent = {
  version: 1,
  id: 'build-x/build.started/build',
  type: 'build.started',
  buildId: 'build-x',
  at: '2026-12-10T10:00:00.000Z',
  data: {
    project: 'p',
    specPath: 'SPEC.md',
    baseBranch: 'main',
    buildBranch: 'br/x',
    tasks: 3,
    budgetUsd: '5',
  },
};

function ctx(url: string, over: Partial<SinkContext> = {}, timeoutMs = 5000): SinkContext {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('timeout')), timeoutMs).unref();
  return {
    idempotencyKey: 'build-x/build.started/build/hook/k1',
    attempt: 1,
    signal: controller.signal,
    deadline: Date.now() + timeoutMs,
    env: { BR_WEBHOOK_URL: url, BR_WEBHOOK_SECRET: SECRET },
    options: {},
    links: { status: 'br build status build-x' },
    log: () => undefined,
    ...over,
  };
}

describe('the webhook sink', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('posts the event as JSON with an HMAC-SHA256 signature of the raw body that verifies with the secret', async () => {
    const result = await webhookSink.deliver(event, ctx(receiver.url));
    expect(result).toEqual({ status: 'delivered', detail: 'HTTP 200' });
    expect(receiver.requests).toHaveLength(1);
    const r = receiver.requests[0]!;
    const expected = 'sha256=' + createHmac('sha256', SECRET).update(r.body).digest('hex');
    expect(r.headers['x-buildrunner-signature']).toBe(expected);
    expect(r.headers['idempotency-key']).toBe('build-x/build.started/build/hook/k1');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toMatchObject({ ...event, links: { status: 'br build status build-x' } });
    // Another secret does not verify.
    expect(signature('other-secret-value', r.body)).not.toBe(expected);
  });

  it('reads the URL and secret from the variables the options name', async () => {
    const c = ctx('', {
      env: { MY_URL: receiver.url, MY_SECRET: SECRET },
      options: { urlEnv: 'MY_URL', secretEnv: 'MY_SECRET' },
    });
    await webhookSink.deliver(event, c);
    expect(receiver.requests).toHaveLength(1);
    expect(webhookSink.check!({ urlEnv: 'MY_URL', secretEnv: 'MY_SECRET' }, c.env)).toEqual([]);
    expect(webhookSink.check!({}, c.env)).toEqual([
      "BR_WEBHOOK_URL is not set: the receiver's URL (http or https)",
      'BR_WEBHOOK_SECRET is not set: the shared secret the receiver checks signatures with',
    ]);
  });

  it('waits out a 429 for its Retry-After, then delivers', async () => {
    receiver.respond = (_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : {});
    const result = await webhookSink.deliver(event, ctx(receiver.url));
    expect(result.status).toBe('delivered');
    expect(receiver.requests).toHaveLength(2);
    const gap = receiver.requests[1]!.at - receiver.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(receiver.deliveries().size).toBe(1);
  });

  it('retries 5xx with backoff and delivers once the receiver recovers', async () => {
    receiver.respond = (_r, n) => (n <= 2 ? { status: n === 1 ? 500 : 503 } : {});
    const result = await webhookSink.deliver(event, ctx(receiver.url));
    expect(result.status).toBe('delivered');
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests[2]!.at - receiver.requests[1]!.at).toBeGreaterThan(
      receiver.requests[1]!.at - receiver.requests[0]!.at,
    );
  });

  it('gives up inside its timeout on a receiver that keeps failing: a retryable SinkError', async () => {
    receiver.respond = () => ({ status: 502 });
    const started = Date.now();
    const err = await webhookSink.deliver(event, ctx(receiver.url, {}, 1200)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect(err).toMatchObject({
      kind: 'unavailable',
      retryable: true,
      message: 'the receiver did not take the event: HTTP 502',
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a Retry-After beyond its timeout is a retryable rate-limited failure, not a long wait', async () => {
    receiver.respond = () => ({ status: 429, headers: { 'retry-after': '60' } });
    const err = await webhookSink.deliver(event, ctx(receiver.url, {}, 2000)).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(receiver.requests).toHaveLength(1);
  });

  it('a 403 is a permission failure that is not retried, with a hint about the signature', async () => {
    receiver.respond = () => ({ status: 403 });
    const err = (await webhookSink.deliver(event, ctx(receiver.url)).catch((e: unknown) => e)) as SinkError;
    expect(err).toMatchObject({ kind: 'permission', retryable: false });
    expect(err.hint).toMatch(/X-BuildRunner-Signature/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('a malformed URL is a config failure with a hint, and the message does not repeat the URL', async () => {
    const bad = 'htp//hooks.example.test/secret-path-abc';
    const err = (await webhookSink.deliver(event, ctx(bad)).catch((e: unknown) => e)) as SinkError;
    expect(err).toMatchObject({ kind: 'config', retryable: false });
    expect(err.hint).toMatch(/BR_WEBHOOK_URL/);
    expect(`${err.message} ${err.hint}`).not.toContain('secret-path-abc');
    expect(webhookSink.check!({}, { BR_WEBHOOK_URL: bad, BR_WEBHOOK_SECRET: SECRET })).toEqual([
      "BR_WEBHOOK_URL is not an http(s) URL: set it to the receiver's address",
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('does not read the answer body: a receiver that streams an endless body neither fills memory nor holds the sink', async () => {
    receiver.respond = () => ({ endless: true });
    const started = Date.now();
    const result = await webhookSink.deliver(event, ctx(receiver.url, {}, 5000));
    expect(result).toEqual({ status: 'delivered', detail: 'HTTP 200' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(receiver.bodyBytesSent).toBeLessThan(64 << 20);
  });

  it('does not follow a redirect: a 302 is not taken for a delivery, and a 307 does not carry the signed body to another host', async () => {
    const other = await startReceiver();
    try {
      for (const status of [301, 302, 303, 307, 308]) {
        receiver.requests.length = 0;
        receiver.respond = () => ({
          status,
          headers: { location: other.url.replace('127.0.0.1', 'localhost') },
        });
        const err = (await webhookSink
          .deliver(event, ctx(receiver.url))
          .catch((e: unknown) => e)) as SinkError;
        expect(err).toBeInstanceOf(SinkError);
        expect(err).toMatchObject({ kind: 'config', retryable: false });
        expect(err.message).toBe(`the receiver answered HTTP ${status} (a redirect), which is not followed`);
        expect(err.hint).toMatch(/BR_WEBHOOK_URL/);
        expect(receiver.requests).toHaveLength(1);
      }
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('a URL with a user name or password is a config failure that is not retried and never named', async () => {
    const url = receiver.url.replace('http://', 'http://user:pw-0123456789@');
    const err = (await webhookSink.deliver(event, ctx(url)).catch((e: unknown) => e)) as SinkError;
    expect(err).toMatchObject({ kind: 'config', retryable: false });
    expect(`${err.message} ${err.hint}`).not.toContain('pw-0123456789');
    expect(receiver.requests).toHaveLength(0);
    expect(webhookSink.check!({}, { BR_WEBHOOK_URL: url, BR_WEBHOOK_SECRET: SECRET })).toEqual([
      'BR_WEBHOOK_URL carries a user name or password: put credentials in the secret, not the URL',
    ]);
  });
});
