/**
 * Loads the built-in plugins and each plugin listed in config (`plugins`): a local file, relative to
 * the config's folder, or a package resolved from there the way Node resolves a require. Nothing is
 * discovered: node_modules is never scanned. A plugin that cannot load or is malformed fails with
 * its name (or path) and what to fix.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PluginError, pluginProblems, type PluginV1, type SinkDefinition } from '../../lib/notify/plugin';
import { BUILTIN_PLUGINS } from './builtin';

export interface LoadedPlugin {
  name: string;
  /** `built-in`, or the entry in config as written. */
  source: string;
  /** The file it was loaded from (absent for built-ins). */
  file?: string;
  plugin: PluginV1;
}

export interface PluginSet {
  plugins: LoadedPlugin[];
  /** Every sink by name, with the plugin that brings it. */
  sinks: Map<string, { plugin: string; sink: SinkDefinition }>;
}

const isPath = (spec: string) => spec.startsWith('.') || path.isAbsolute(spec);

/** The file a config entry names; a PluginError saying what to fix when there is none. */
export function resolvePlugin(spec: string, root: string): string {
  if (isPath(spec)) {
    const file = path.resolve(root, spec);
    if (!existsSync(file))
      throw new PluginError(
        `plugin "${spec}": no file at ${file}. Plugin paths are relative to the folder of buildrunner.config.json (${root}); fix the path in "plugins".`,
      );
    return file;
  }
  try {
    return require.resolve(spec, { paths: [root] });
  } catch {
    throw new PluginError(
      `plugin "${spec}": no such package is installed for ${root}. Install it (npm install ${spec}), or write a local file as "./${spec}.js".`,
    );
  }
}

/** Node 20.19+ (the engines floor) requires ES modules too, when they have no top-level await. */
function loadModule(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as unknown;
}

/** What a module exports as its plugin: `export default definePlugin(…)`, `module.exports = …` or `plugin`. */
function exported(mod: unknown): unknown {
  if (mod && typeof mod === 'object') {
    const m = mod as { default?: unknown; plugin?: unknown; apiVersion?: unknown };
    if (m.apiVersion !== undefined) return mod;
    if (m.default && typeof m.default === 'object') return exported(m.default);
    if (m.plugin) return m.plugin;
  }
  return mod;
}

export function loadPlugin(spec: string, root: string): LoadedPlugin {
  const file = resolvePlugin(spec, root);
  let mod: unknown;
  try {
    mod = loadModule(file);
  } catch (err) {
    const why = err instanceof PluginError ? err.message : ((err as Error)?.message ?? String(err));
    throw new PluginError(
      `plugin "${spec}" (${file}) failed to load: ${why.split('\n')[0]}. Fix the file, then check it with \`br plugins doctor\`.`,
    );
  }
  const plugin = exported(mod);
  const problems = pluginProblems(plugin);
  if (problems.length)
    throw new PluginError(
      `plugin "${spec}" (${file}) is not a BuildRunner plugin: ${problems.join('; ')}. It must export definePlugin({ name, apiVersion: 1, sinks?, commands? }).`,
    );
  const p = plugin as PluginV1;
  return { name: p.name, source: spec, file, plugin: p };
}

/** The built-ins, then the configured plugins in order; names of plugins and sinks must not clash. */
export function loadPlugins(options: { root: string; plugins: readonly string[] }): Promise<PluginSet> {
  // A promise, so a plugin that fails to load is a rejection like any other I/O failure.
  return new Promise((resolve) => resolve(collect(options)));
}

function collect(options: { root: string; plugins: readonly string[] }): PluginSet {
  const loaded: LoadedPlugin[] = BUILTIN_PLUGINS.map((plugin) => ({
    name: plugin.name,
    source: 'built-in',
    plugin,
  }));
  for (const spec of options.plugins) loaded.push(loadPlugin(spec, options.root));
  const names = new Map<string, string>();
  const sinks: PluginSet['sinks'] = new Map();
  for (const p of loaded) {
    const other = names.get(p.name);
    if (other)
      throw new PluginError(
        `plugin "${p.source}" is named "${p.name}", like "${other}": plugin names must be unique; rename one.`,
      );
    names.set(p.name, p.source);
    for (const sink of p.plugin.sinks ?? []) {
      const taken = sinks.get(sink.name);
      if (taken)
        throw new PluginError(
          `plugin "${p.name}" brings a sink "${sink.name}", which plugin "${taken.plugin}" already has: sink names must be unique; rename one.`,
        );
      sinks.set(sink.name, { plugin: p.name, sink });
    }
  }
  return { plugins: loaded, sinks };
}
