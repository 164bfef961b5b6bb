import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPlugins } from '../../../activities/notify/loader';
import { PluginError } from '../../../lib/notify/plugin';

const GOOD = `module.exports = {
  name: 'local-chat',
  apiVersion: 1,
  sinks: [{
    name: 'chat', description: 'posts to a chat', events: ['build.finished', 'task.failed'],
    env: [{ name: 'CHAT_TOKEN', required: true, description: 'token' }],
    timeoutMs: 3000, idempotent: false,
    deliver: async () => ({ status: 'delivered' }),
  }],
  commands: [{ name: 'hello', description: 'says hello', run: async (args, ctx) => (ctx.stdout.write('hello ' + args.join(' ') + '\\n'), 0) }],
};
`;

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'br-plugins-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the plugin loader', () => {
  it('loads the built-in webhook sink and a local plugin file, relative to the config folder', async () => {
    const root = project({ 'plugins/chat.js': GOOD });
    const set = await loadPlugins({ root, plugins: ['./plugins/chat.js'] });
    expect(set.plugins.map((p) => [p.name, p.source])).toEqual([
      ['webhook', 'built-in'],
      ['slack', 'built-in'],
      ['github', 'built-in'],
      ['local-chat', './plugins/chat.js'],
    ]);
    expect(set.sinks.get('chat')).toMatchObject({
      plugin: 'local-chat',
      sink: { idempotent: false, timeoutMs: 3000 },
    });
    expect(set.sinks.get('webhook')?.sink.idempotent).toBe(true);
    expect(set.sinks.get('slack')?.sink.idempotent).toBe(false);
  });

  it('accepts a default export too (a compiled ES module)', async () => {
    const root = project({
      'p.js': `exports.default = ${GOOD.replace('module.exports = ', '').replace(/;\n$/, '')};`,
    });
    const set = await loadPlugins({ root, plugins: ['./p.js'] });
    expect(set.sinks.has('chat')).toBe(true);
  });

  it('a path that is not there names the path, the folder it is relative to, and what to fix', async () => {
    const root = project({});
    const err = await loadPlugins({ root, plugins: ['./missing.js'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as Error).message).toBe(
      `plugin "./missing.js": no file at ${path.join(root, 'missing.js')}. Plugin paths are relative to the folder of buildrunner.config.json (${root}); fix the path in "plugins".`,
    );
  });

  it('a package that is not installed is named with the install command; node_modules is not scanned', async () => {
    const root = project({
      'node_modules/br-plugin-unlisted/index.js': GOOD,
      'node_modules/br-plugin-unlisted/package.json': '{"name":"br-plugin-unlisted","main":"index.js"}',
    });
    // An installed package loads only when listed.
    expect((await loadPlugins({ root, plugins: [] })).sinks.has('chat')).toBe(false);
    expect((await loadPlugins({ root, plugins: ['br-plugin-unlisted'] })).sinks.has('chat')).toBe(true);
    await expect(loadPlugins({ root, plugins: ['br-plugin-absent'] })).rejects.toThrow(
      `plugin "br-plugin-absent": no such package is installed for ${root}. Install it (npm install br-plugin-absent), or write a local file as "./br-plugin-absent.js".`,
    );
  });

  it('a malformed plugin fails with its name and every problem', async () => {
    const root = project({
      'bad.js': `module.exports = { name: 'bad-one', apiVersion: 2, sinks: [{ name: 'x', events: [], timeoutMs: 5 }] };`,
    });
    const err = (await loadPlugins({ root, plugins: ['./bad.js'] }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(
      `plugin "./bad.js" (${path.join(root, 'bad.js')}) is not a BuildRunner plugin:`,
    );
    expect(err.message).toContain('plugin "bad-one": apiVersion 2 is not supported');
    expect(err.message).toContain('sink "x" has no deliver function');
    expect(err.message).toContain('sink "x" takes no events');
  });

  it('a plugin that throws while loading is named with the first line of its error', async () => {
    const root = project({ 'boom.js': `throw new Error('cannot find CHAT_HOME\\nstack…');` });
    await expect(loadPlugins({ root, plugins: ['./boom.js'] })).rejects.toThrow(
      `plugin "./boom.js" (${path.join(root, 'boom.js')}) failed to load: cannot find CHAT_HOME. Fix the file, then check it with \`br plugins doctor\`.`,
    );
  });

  it('refuses a plugin whose sink takes a name already taken', async () => {
    const root = project({ 'dup.js': GOOD.replace("name: 'chat'", "name: 'webhook'") });
    await expect(loadPlugins({ root, plugins: ['./dup.js'] })).rejects.toThrow(
      'plugin "local-chat" brings a sink "webhook", which plugin "webhook" already has: sink names must be unique; rename one.',
    );
  });

  it('a plugin whose lists are not lists, or whose sink lacks env, a description or known events, is named with each problem', async () => {
    const sink = `{ name: 'chat', events: ['build.finished', 'nope'], timeoutMs: 3000, idempotent: false, deliver: async () => ({ status: 'delivered' }) }`;
    const root = project({
      'nums.js': `module.exports = { name: 'nums', apiVersion: 1, sinks: 5, commands: 'x' };`,
      'shape.js': `module.exports = { name: 'shape', apiVersion: 1, sinks: [${sink}] };`,
      'envs.js': `module.exports = { name: 'envs', apiVersion: 1, sinks: [{ ...${sink}, events: ['build.finished'], description: 'd', env: [{ name: 'bad name' }] }] };`,
    });
    const message = async (file: string) =>
      ((await loadPlugins({ root, plugins: [file] }).catch((e: unknown) => e)) as Error).message;
    const nums = await message('./nums.js');
    expect(nums).toContain('is not a BuildRunner plugin');
    expect(nums).toContain('plugin "nums": sinks must be a list');
    expect(nums).toContain('plugin "nums": commands must be a list');
    const shape = await message('./shape.js');
    expect(shape).toContain('plugin "shape": sink "chat" takes an unknown event "nope"');
    expect(shape).toContain('plugin "shape": sink "chat" needs a description');
    expect(shape).toContain(
      'plugin "shape": sink "chat" env must be a list of { name, required, description }',
    );
    expect(await message('./envs.js')).toContain(
      'plugin "envs": sink "chat" env must be a list of { name, required, description }',
    );
  });
});
