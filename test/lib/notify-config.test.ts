import { parseConfig } from '../../lib/config';
import { slackSink } from '../../activities/notify/sinks/slack';
import { resolveInstances } from '../../lib/notify/config';
import { NOTIFY_EVENT_TYPES } from '../../lib/notify/events';
import { pluginProblems } from '../../lib/notify/plugin';

const sinks = new Map([
  [
    'webhook',
    {
      events: ['build.started', 'build.finished', 'task.failed'] as const,
      timeoutMs: 10_000,
      idempotent: true,
    },
  ],
  ['chat', { events: ['build.finished'] as const, timeoutMs: 3000, idempotent: false }],
  [
    'quiet',
    {
      events: ['task.succeeded', 'task.failed', 'build.finished'] as const,
      defaultEvents: ['task.failed', 'build.finished'] as const,
      timeoutMs: 3000,
      idempotent: false,
    },
  ],
]);

describe('notify and plugins in the config', () => {
  it('defaults to no sinks and no plugins', () => {
    const c = parseConfig({});
    expect(c.notify).toEqual({ sinks: [] });
    expect(c.plugins).toEqual([]);
  });

  it('resolves entries to instances: ids, the events taken (narrowed by config), timeout and idempotence', () => {
    const c = parseConfig({
      plugins: ['./chat.js'],
      notify: {
        sinks: [
          { sink: 'webhook', options: { urlEnv: 'OPS_HOOK' } },
          { id: 'team', sink: 'chat' },
          { id: 'fails', sink: 'webhook', events: ['task.failed'] },
        ],
      },
    });
    expect(resolveInstances(c.notify.sinks, sinks)).toEqual({
      problems: [],
      instances: [
        {
          id: 'webhook',
          sink: 'webhook',
          events: ['build.started', 'build.finished', 'task.failed'],
          timeoutMs: 10_000,
          idempotent: true,
        },
        { id: 'team', sink: 'chat', events: ['build.finished'], timeoutMs: 3000, idempotent: false },
        { id: 'fails', sink: 'webhook', events: ['task.failed'], timeoutMs: 10_000, idempotent: true },
      ],
    });
  });

  it("an entry naming no events gets the sink's defaultEvents; one naming an event left out of them gets it", () => {
    const c = parseConfig({
      notify: { sinks: [{ sink: 'quiet' }, { id: 'all', sink: 'quiet', events: ['task.succeeded'] }] },
    });
    expect(resolveInstances(c.notify.sinks, sinks).instances.map((i) => [i.id, i.events])).toEqual([
      ['quiet', ['task.failed', 'build.finished']],
      ['all', ['task.succeeded']],
    ]);
  });

  it('the slack sink leaves task.succeeded out by default, and takes every other event', () => {
    const defs = new Map([['slack', slackSink]]);
    const [slack] = resolveInstances(
      parseConfig({ notify: { sinks: [{ sink: 'slack' }] } }).notify.sinks,
      defs,
    ).instances;
    expect(slack!.events).toEqual(NOTIFY_EVENT_TYPES.filter((e) => e !== 'task.succeeded'));
    expect(pluginProblems({ name: 'slack', apiVersion: 1, sinks: [slackSink] })).toEqual([]);
  });

  it('a sink whose defaultEvents are empty or not among its events is refused, naming the event', () => {
    const sink = { ...slackSink, events: ['build.finished', 'task.failed'] };
    expect(
      pluginProblems({ name: 'p', apiVersion: 1, sinks: [{ ...sink, defaultEvents: ['task.succeeded'] }] }),
    ).toEqual(['plugin "p": sink "slack" defaultEvents has "task.succeeded", which is not in its events']);
    expect(pluginProblems({ name: 'p', apiVersion: 1, sinks: [{ ...sink, defaultEvents: [] }] })).toEqual([
      'plugin "p": sink "slack" defaultEvents must be a non-empty list',
    ]);
  });

  it('names an unknown sink with the sinks there are, and an event the sink does not take', () => {
    const c = parseConfig({
      notify: { sinks: [{ sink: 'slak' }, { sink: 'chat', events: ['task.failed'] }] },
    });
    expect(resolveInstances(c.notify.sinks, sinks).problems).toEqual([
      'notify.sinks[0]: no loaded plugin has a sink "slak" (sinks: chat, quiet, webhook); add its plugin to "plugins" or fix the name (br plugins list)',
      'notify.sinks[1]: sink "chat" does not take task.failed (it takes build.finished)',
    ]);
  });

  const problems = (raw: unknown) => {
    try {
      parseConfig(raw);
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('refuses an unknown event and two entries with one id', () => {
    expect(problems({ notify: { sinks: [{ sink: 'webhook', events: ['build.exploded'] }] } })).toMatch(
      /notify\.sinks\[0\]\.events\[0\]: Invalid option: expected one of "build.started"/,
    );
    expect(
      problems({ notify: { sinks: [{ sink: 'webhook' }, { sink: 'webhook', events: ['task.failed'] }] } }),
    ).toContain('notify.sinks[1].id: two sinks are named "webhook": give each entry its own "id"');
  });

  it("refuses an option that names BuildRunner's own credentials (a sink would send them out) or no variable at all", () => {
    const named = (options: Record<string, unknown>) =>
      problems({ notify: { sinks: [{ sink: 'github', options }] } });
    expect(named({ tokenEnv: 'ANTHROPIC_API_KEY', baseUrl: 'https://ghe.example/api/v3' })).toContain(
      'notify.sinks[0].options.tokenEnv: "ANTHROPIC_API_KEY" is BuildRunner\'s own credential',
    );
    expect(named({ tokenEnv: 'anthropic_auth_token' })).toContain("is BuildRunner's own credential");
    expect(named({ tokenEnv: 'DATABASE_URL' })).toContain("is BuildRunner's own credential");
    expect(named({ tokenEnv: 'GH TOKEN' })).toContain(
      'notify.sinks[0].options.tokenEnv: must name an environment variable (letters, digits, "_")',
    );
    expect(named({ tokenEnv: 'GH_BOT_TOKEN' })).toBe('');
  });

  it('refuses secrets in options, naming where they go instead', () => {
    const hook = ['https://hooks.slack', 'com/services/T0A1B2C3D/B0F1E2D3C/aB3dE5fG7hJ9kL1mN3pQ5rS7'].join(
      '.',
    );
    let message = '';
    try {
      parseConfig({
        notify: {
          sinks: [
            { sink: 'webhook', options: { url: hook } },
            { id: 'other', sink: 'webhook', options: { nested: { list: ['ok', 'fine'] } } },
            { sink: 'chat', options: { proxy: 'http://user:pa55word@proxy.local' } },
          ],
        },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('notify.sinks[0].options.url: looks like a secret');
    expect(message).toContain('"urlEnv": "MY_WEBHOOK_URL"');
    expect(message).not.toContain('notify.sinks[1]');
    expect(message).toContain('notify.sinks[2].options.proxy: looks like a secret');
    expect(message).not.toContain('aB3dE5fG7hJ9kL1mN3pQ5rS7');
  });
});
