/**
 * The notifier's delivery ledger on a real database (PGlite, and PostgreSQL when configured) against a
 * loopback receiver: one visible effect per key, also when the attempt that sent it never finished.
 */
import { deliverNotification, NotifyFailure, type NotifyDeps } from '../../../activities/notify/deliver';
import { webhookSink } from '../../../activities/notify/sinks/webhook';
import type { PluginSet } from '../../../activities/notify/loader';
import { parseConfig } from '../../../lib/config';
import type { NotifyInput } from '../../../lib/contracts';
import { SinkError, type SinkDefinition } from '../../../lib/notify/plugin';
import { createTestDatabase, testTargets, type TestDatabase } from '../../helpers/db';
import { startReceiver, type Receiver } from '../../fixtures/notify/receiver';

const SECRET = 'whsec-ledger-0123456789abcdef';

/** Like Slack: one POST is one message, so it must never be sent twice. */
const once: SinkDefinition = {
  name: 'once',
  description: 'a sink that is not idempotent',
  events: ['build.finished'],
  env: [{ name: 'ONCE_URL', required: true, description: 'where to post' }],
  timeoutMs: 2000,
  idempotent: false,
  async deliver(event, ctx) {
    const res = await fetch(ctx.env.ONCE_URL!, {
      method: 'POST',
      body: JSON.stringify(event),
      signal: ctx.signal,
    });
    if (res.status === 503) throw new SinkError('busy', 'unavailable', true);
    return { status: 'delivered' };
  },
};

function pluginSet(): PluginSet {
  const sinks = new Map([
    ['webhook', { plugin: 'webhook', sink: webhookSink }],
    ['once', { plugin: 'test', sink: once }],
  ]);
  return { plugins: [], sinks };
}

function input(sink: 'hook' | 'once', key: string): NotifyInput {
  return {
    key,
    sink:
      sink === 'hook'
        ? { id: 'hook', sink: 'webhook', events: ['build.finished'], timeoutMs: 2000, idempotent: true }
        : { id: 'once', sink: 'once', events: ['build.finished'], timeoutMs: 2000, idempotent: false },
    event: {
      version: 1,
      id: 'build-l/build.finished/build',
      type: 'build.finished',
      buildId: 'build-l',
      at: '2026-12-10T10:00:00.000Z',
      data: {
        outcome: 'SUCCEEDED',
        message: 'done',
        tasks: { total: 1, succeeded: 1, failed: 0, blocked: 0, cancelled: 0 },
        spentUsd: '0.1',
        durationMs: 1000,
        baseBranch: 'main',
        buildBranch: 'br/l',
      },
    },
  };
}

for (const target of testTargets)
  describe(`the delivery ledger (${target})`, () => {
    let db: TestDatabase;
    let receiver: Receiver;
    let deps: NotifyDeps;

    beforeAll(async () => {
      db = await createTestDatabase(target);
    });
    afterAll(() => db.close());
    beforeEach(async () => {
      receiver = await startReceiver();
      deps = {
        db,
        root: '/nonexistent',
        config: parseConfig({ notify: { sinks: [{ id: 'hook', sink: 'webhook' }, { sink: 'once' }] } }),
        env: { BR_WEBHOOK_URL: receiver.url, BR_WEBHOOK_SECRET: SECRET, ONCE_URL: receiver.url },
        plugins: async () => pluginSet(),
      };
    });
    afterEach(() => receiver.close());

    const rows = (key: string) =>
      db.prisma.telemetryEvent.findMany({
        where: { dedupeKey: { startsWith: `notify/${key}/` } },
        orderBy: { id: 'asc' },
      });

    /** The first try's worker dies once the POST has landed: nothing after the request runs. */
    async function crashAfterPost(i: NotifyInput) {
      const died = new AbortController();
      receiver.respond = (_r, n) => (n === 1 ? { hang: true } : {});
      receiver.onRequest = () => died.abort(new Error('worker killed'));
      await expect(deliverNotification(deps, i, { attempt: 1, signal: died.signal })).rejects.toThrow();
      receiver.onRequest = () => undefined;
    }

    it('delivers once, and a retry after the answer is a duplicate that sends nothing', async () => {
      const key = `k-${target}-1`;
      expect(await deliverNotification(deps, input('hook', key), { attempt: 1 })).toMatchObject({
        status: 'delivered',
      });
      expect(await deliverNotification(deps, input('hook', key), { attempt: 2 })).toMatchObject({
        status: 'duplicate',
      });
      expect(receiver.requests).toHaveLength(1);
      expect((await rows(key)).map((r) => r.type)).toEqual(['NOTIFY_ATTEMPT', 'NOTIFY_SENT']);
    });

    it('an idempotent sink is delivered again after an unknown outcome: the receiver dedupes it to one', async () => {
      const key = `k-${target}-2`;
      await crashAfterPost(input('hook', key));
      expect((await rows(key)).map((r) => r.type)).toEqual(['NOTIFY_ATTEMPT']);
      expect(await deliverNotification(deps, input('hook', key), { attempt: 2 })).toMatchObject({
        status: 'delivered',
      });
      expect(receiver.requests).toHaveLength(2);
      expect(receiver.deliveries()).toEqual(new Set([key]));
    });

    it('a sink that is not idempotent is never sent twice: the retry records an outcome-unknown event', async () => {
      const key = `k-${target}-3`;
      await crashAfterPost(input('once', key));
      const again = await deliverNotification(deps, input('once', key), { attempt: 2 });
      expect(again.status).toBe('outcome-unknown');
      expect(receiver.requests).toHaveLength(1);
      const recorded = await rows(key);
      expect(recorded.map((r) => r.type)).toEqual(['NOTIFY_ATTEMPT', 'NOTIFY_OUTCOME_UNKNOWN']);
      expect(recorded[1]).toMatchObject({
        buildId: 'build-l',
        data: { sink: 'once', event: 'build.finished', kind: 'outcome-unknown' },
      });
      // A third try changes nothing either.
      expect((await deliverNotification(deps, input('once', key), { attempt: 3 })).status).toBe(
        'outcome-unknown',
      );
      expect(receiver.requests).toHaveLength(1);
      expect(await rows(key)).toHaveLength(2);
    });

    it('a SinkError says nothing was sent: the retry of a non-idempotent sink sends, once', async () => {
      const key = `k-${target}-4`;
      receiver.respond = (_r, n) => (n === 1 ? { status: 503 } : {});
      const err = await deliverNotification(deps, input('once', key), { attempt: 1 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NotifyFailure);
      expect(err).toMatchObject({ kind: 'unavailable', retryable: true });
      expect(await deliverNotification(deps, input('once', key), { attempt: 2 })).toMatchObject({
        status: 'delivered',
      });
      expect(receiver.requests).toHaveLength(2);
      expect((await rows(key)).map((r) => r.type)).toEqual(['NOTIFY_ATTEMPT', 'NOTIFY_SENT']);
    });

    it('aborts a slow sink at its timeout: a final timeout failure, well before the receiver answers', async () => {
      const key = `k-${target}-5`;
      receiver.respond = () => ({ delayMs: 10_000 });
      const started = Date.now();
      const err = await deliverNotification(deps, input('hook', key), { attempt: 1 }).catch(
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(3500);
      expect(err).toMatchObject({
        kind: 'timeout',
        retryable: false,
        message: 'hook did not answer build.finished within 2000 ms',
      });
    });

    it('a config failure names the missing variable and never the secret values', async () => {
      const key = `k-${target}-6`;
      deps.env = { BR_WEBHOOK_URL: receiver.url };
      const err = (await deliverNotification(deps, input('hook', key), { attempt: 1 }).catch(
        (e: unknown) => e,
      )) as NotifyFailure;
      expect(err).toMatchObject({ kind: 'config', retryable: false });
      expect(err.hint).toMatch(/BR_WEBHOOK_SECRET/);
      const all = JSON.stringify(
        (await db.prisma.telemetryEvent.findMany({ where: { buildId: 'build-l' } })).map(
          ({ id: _id, ...r }) => r,
        ),
      );
      expect(all).not.toContain(receiver.url);
      expect(all).not.toContain(SECRET);
    });

    it('a sink missing from this worker, or an instance missing from its config, is a config failure with what to do', async () => {
      const unknown = {
        ...input('hook', `k-${target}-7`),
        sink: { ...input('hook', 'x').sink, sink: 'nope' },
      };
      await expect(deliverNotification(deps, unknown, { attempt: 1 })).rejects.toMatchObject({
        kind: 'config',
        message: 'this worker has no sink "nope"',
      });
      const other = {
        ...input('hook', `k-${target}-8`),
        sink: { ...input('hook', 'x').sink, id: 'elsewhere' },
      };
      await expect(deliverNotification(deps, other, { attempt: 1 })).rejects.toMatchObject({
        kind: 'config',
        message: `this worker's config has no notify sink "elsewhere"`,
      });
      expect(receiver.requests).toHaveLength(0);
    });

    it('a sink that ignores its abort signal and never settles still ends at its timeout', async () => {
      const key = `k-${target}-9`;
      const deaf: SinkDefinition = {
        ...once,
        name: 'deaf',
        timeoutMs: 300,
        idempotent: true,
        deliver: () => new Promise(() => undefined),
      };
      deps.config = parseConfig({ notify: { sinks: [{ sink: 'deaf' }] } });
      deps.plugins = async () => ({ plugins: [], sinks: new Map([['deaf', { plugin: 't', sink: deaf }]]) });
      const i: NotifyInput = {
        ...input('once', key),
        sink: { id: 'deaf', sink: 'deaf', events: ['build.finished'], timeoutMs: 300, idempotent: true },
      };
      const started = Date.now();
      const err = await Promise.race([
        deliverNotification(deps, i, { attempt: 1 }).catch((e: unknown) => e),
        new Promise((r) => setTimeout(() => r('still waiting'), 3000).unref()),
      ]);
      expect(err).toMatchObject({ kind: 'timeout', retryable: false });
      expect(Date.now() - started).toBeLessThan(1500);
    });
  });
