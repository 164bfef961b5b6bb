import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBr } from '../../helpers/cli';

const PLUGIN = `module.exports = {
  name: 'local-chat',
  apiVersion: 1,
  sinks: [{
    name: 'chat', description: 'posts to a chat', events: ['build.finished', 'task.failed'],
    env: [{ name: 'CHAT_TOKEN', required: true, description: 'the bot token' }],
    timeoutMs: 3000, idempotent: false,
    check: (options, env) => (env.CHAT_TOKEN ? [] : ['CHAT_TOKEN is not set']),
    deliver: async () => ({ status: 'delivered' }),
  }],
  commands: [{ name: 'hello', description: 'says hello', run: async (args, ctx) => (ctx.stdout.write('hello ' + args.join(' ') + '\\n'), 3) }],
};
`;

function project(config: Record<string, unknown>, dotenv = ''): string {
  const root = mkdtempSync(path.join(tmpdir(), 'br-plugins-cli-'));
  writeFileSync(path.join(root, 'chat.js'), PLUGIN);
  writeFileSync(path.join(root, 'buildrunner.config.json'), JSON.stringify(config));
  if (dotenv) writeFileSync(path.join(root, '.env'), dotenv);
  return root;
}

const clean = {
  CHAT_TOKEN: undefined,
  BR_WEBHOOK_URL: undefined,
  BR_WEBHOOK_SECRET: undefined,
  OPS_HOOK: undefined,
};

describe('br plugins', () => {
  const config = {
    plugins: ['./chat.js'],
    notify: {
      sinks: [
        { sink: 'chat', events: ['build.finished'] },
        { id: 'ops', sink: 'webhook', options: { urlEnv: 'OPS_HOOK' } },
      ],
    },
  };

  it('list --json: what is loaded, the events each sink takes, the env each needs and whether it is set, never its value', async () => {
    const root = project(config, 'CHAT_TOKEN=xoxb-not-printed-123456\n');
    const r = await runBr(['plugins', 'list', '--json'], { cwd: root, env: clean });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('xoxb-not-printed');
    const { plugins } = JSON.parse(r.stdout) as {
      plugins: { name: string; source: string; sinks: unknown[]; commands: unknown[] }[];
    };
    // The built-ins first (webhook among them), then the listed plugin.
    expect(plugins.filter((p) => p.source === 'built-in').map((p) => p.name)).toContain('webhook');
    expect(plugins.filter((p) => p.source !== 'built-in').map((p) => [p.name, p.source])).toEqual([
      ['local-chat', './chat.js'],
    ]);
    const local = plugins[plugins.length - 1]!;
    const webhook = plugins.find((p) => p.name === 'webhook')!;
    expect(local.sinks).toEqual([
      {
        name: 'chat',
        description: 'posts to a chat',
        events: ['build.finished', 'task.failed'],
        defaultEvents: ['build.finished', 'task.failed'],
        idempotent: false,
        timeoutMs: 3000,
        env: [{ name: 'CHAT_TOKEN', required: true, description: 'the bot token', set: true }],
        configured: ['chat'],
      },
    ]);
    expect(webhook.sinks).toMatchObject([
      {
        name: 'webhook',
        configured: ['ops'],
        env: [
          { name: 'BR_WEBHOOK_URL', set: false },
          { name: 'BR_WEBHOOK_SECRET', set: false },
        ],
      },
    ]);
    expect(local.commands).toEqual([{ name: 'hello', description: 'says hello' }]);
    const human = await runBr(['plugins', 'list'], { cwd: root, env: clean });
    expect(human.stdout).toContain('  sink chat: posts to a chat [configured as chat]');
    expect(human.stdout).toContain('    env CHAT_TOKEN: set · the bot token');
    // A sink with defaults says what an entry without events leaves out; one without says nothing.
    const slack = plugins.find((p) => p.name === 'slack')!.sinks[0] as { defaultEvents: string[] };
    expect(slack.defaultEvents).not.toContain('task.succeeded');
    expect(slack.defaultEvents).toContain('task.failed');
    const slackText = human.stdout.slice(human.stdout.indexOf('  sink slack:'));
    expect(slackText.split('\n').slice(0, 4).join('\n')).toContain(
      '    by default: all but task.succeeded (name them in notify.sinks[].events to get them)',
    );
    expect(human.stdout.match(/by default:/g)).toHaveLength(1);
  });

  it("doctor --json: each sink's own check, exit 1 while something needs fixing, 0 once it is set", async () => {
    const root = project(config);
    const bad = await runBr(['plugins', 'doctor', '--json'], { cwd: root, env: clean });
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; problems: string[]; instances: unknown[] };
    expect(report.ok).toBe(false);
    expect(report.instances).toEqual([
      {
        id: 'chat',
        sink: 'chat',
        events: ['build.finished'],
        optionEnv: [],
        problems: ['CHAT_TOKEN is not set'],
      },
      {
        id: 'ops',
        sink: 'webhook',
        events: [
          'build.started',
          'approval.requested',
          'task.succeeded',
          'task.failed',
          'build.budget_threshold',
          'build.finished',
        ],
        optionEnv: [{ name: 'OPS_HOOK', set: false }],
        problems: [
          "OPS_HOOK is not set: the receiver's URL (http or https)",
          'BR_WEBHOOK_SECRET is not set: the shared secret the receiver checks signatures with',
        ],
      },
    ]);
    const env = {
      ...clean,
      CHAT_TOKEN: 't0ken-value-123',
      OPS_HOOK: 'https://ops.example.test/h',
      BR_WEBHOOK_SECRET: 'shh-secret-123',
    };
    const good = await runBr(['plugins', 'doctor', '--json'], { cwd: root, env });
    expect(good.code).toBe(0);
    expect(good.stdout).not.toMatch(/t0ken-value|ops\.example|shh-secret/);
  });

  it('doctor names a broken plugin and an unknown sink; list refuses with the same message', async () => {
    const root = project({ plugins: ['./nope.js'], notify: { sinks: [{ sink: 'chat' }] } });
    const r = await runBr(['plugins', 'doctor', '--json'], { cwd: root, env: clean });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('plugin "./nope.js": no file at')],
    });
    const list = await runBr(['plugins', 'list'], { cwd: root, env: clean });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('plugin "./nope.js": no file at');

    const unknown = project({ notify: { sinks: [{ sink: 'slak' }] } });
    const u = await runBr(['plugins', 'doctor'], { cwd: unknown, env: clean });
    expect(u.code).toBe(1);
    expect(u.stdout).toMatch(
      /✗ notify\.sinks\[0\]: no loaded plugin has a sink "slak" \(sinks: [a-z, -]*\bwebhook\b/,
    );
  });

  it("run: a plugin's command with its arguments and exit code", async () => {
    const root = project(config);
    const r = await runBr(['plugins', 'run', 'local-chat', 'hello', 'big', 'world'], {
      cwd: root,
      env: clean,
    });
    expect(r).toMatchObject({ code: 3, stdout: 'hello big world\n' });
    const missing = await runBr(['plugins', 'run', 'local-chat', 'bye'], { cwd: root, env: clean });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Plugin "local-chat" has no command "bye" (commands: hello).');
  });

  it('run: a command that returns no exit code, one out of range or a string exits 0 or 1 with what was wrong, never a crash', async () => {
    const root = project(config);
    writeFileSync(
      path.join(root, 'odd.js'),
      `module.exports = { name: 'odd', apiVersion: 1, commands: [
        { name: 'text', description: 'd', run: async () => 'abc' },
        { name: 'wrap', description: 'd', run: async () => 256 },
        { name: 'none', description: 'd', run: async () => undefined },
      ] };`,
    );
    writeFileSync(path.join(root, 'buildrunner.config.json'), JSON.stringify({ plugins: ['./odd.js'] }));
    const run = (c: string) => runBr(['plugins', 'run', 'odd', c], { cwd: root, env: clean });
    const text = await run('text');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('Plugin "odd" command "text" returned "abc", not an exit code (0-255)');
    expect(text.stderr).not.toContain('ERR_INVALID_ARG_TYPE');
    const wrap = await run('wrap');
    expect(wrap.code).toBe(1);
    expect(wrap.stderr).toContain('returned 256, not an exit code (0-255)');
    expect((await run('none')).code).toBe(0);
  });
});
