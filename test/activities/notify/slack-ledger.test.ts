/**
 * Issue 28, "exactly one visible effect", for Slack: the worker dies after the message's POST reached
 * Slack and before the notifier activity completed; Temporal retries the activity. Slack's incoming
 * webhooks cannot dedupe, so the retry must not post again: the channel shows one message and the
 * retry reports an unknown outcome instead. Real @slack/webhook client, the real notifier ledger on
 * PGlite, a loopback server that speaks Slack's webhook shapes.
 */
import { deliverNotification, type NotifyDeps } from '../../../activities/notify/deliver';
import { slackSink } from '../../../activities/notify/sinks/slack';
import { parseConfig } from '../../../lib/config';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { startSlackWebhookServer, type SlackWebhookServer } from '../../fixtures/slack-webhook-server';
import { sampleEvent } from '../../lib/notify/slack-sample-events';

let db: TestDatabase;
let slack: SlackWebhookServer;
beforeAll(async () => {
  db = await createTestDatabase('pglite');
  slack = await startSlackWebhookServer();
});
afterAll(async () => {
  await slack.close();
  await db.close();
});

it('posts one message when the worker dies after the POST and the activity is retried', async () => {
  const logs: string[] = [];
  const deps: NotifyDeps = {
    db,
    root: '/nonexistent',
    config: parseConfig({ notify: { sinks: [{ sink: 'slack' }] } }),
    env: { SLACK_WEBHOOK_URL: slack.hookUrl('builds') },
    plugins: async () => ({ plugins: [], sinks: new Map([['slack', { plugin: 'slack', sink: slackSink }]]) }),
    log: (line) => logs.push(line),
  };
  const input = {
    key: 'build-1/build.finished/build/slack',
    sink: {
      id: 'slack',
      sink: 'slack',
      events: ['build.finished' as const],
      timeoutMs: 20_000,
      idempotent: false,
    },
    event: sampleEvent('build.finished'),
  };
  // Slack takes the message and answers late; the worker is gone before the answer.
  slack.script('builds', { status: 200, body: 'ok', delayMs: 800 });
  const died = new AbortController();
  // The worker dies once the POST has reached Slack (not at a fixed time: on a loaded machine the
  // ledger write before the POST can take longer than any fixed delay).
  const kill = setInterval(() => {
    if (slack.arrivals.includes('builds')) {
      clearInterval(kill);
      died.abort(new Error('worker killed'));
    }
  }, 5);
  await expect(deliverNotification(deps, input, { attempt: 1, signal: died.signal })).rejects.toThrow();
  clearInterval(kill);
  await new Promise((r) => setTimeout(r, 900));
  expect(slack.posted('builds')).toHaveLength(1);

  const retried = await deliverNotification(deps, input, { attempt: 2 });
  expect(retried.status).toBe('outcome-unknown');
  expect(await deliverNotification(deps, input, { attempt: 3 })).toMatchObject({
    status: expect.stringMatching(/^(outcome-unknown|duplicate)$/),
  });
  expect(slack.requests.filter((r) => r.hook === 'builds')).toHaveLength(1);
  expect(slack.posted('builds')).toHaveLength(1);
  expect(logs.join('\n')).not.toContain(slack.secretOf('builds'));
});
