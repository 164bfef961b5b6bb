/**
 * `br plugins list|doctor|run`: what is loaded (built-ins and `plugins`), the events each sink takes,
 * the environment each needs and whether it is set here (never its value), each configured sink's
 * own check, and a plugin's commands. Typed data for the CLI's --json.
 */
import { UserError } from '../lib/errors';
import { instanceId, resolveInstances } from '../lib/notify/config';
import type { NotifyEventType } from '../lib/notify/events';
import { workerEnv } from '../activities/notify/env';
import type { PluginSet } from '../activities/notify/loader';
import type { ServiceContext } from './context';
import { projectPlugins } from './notify';

export interface EnvStatus {
  name: string;
  required: boolean;
  description: string;
  set: boolean;
}

export interface SinkInfo {
  name: string;
  description: string;
  events: NotifyEventType[];
  /** What an entry that names no events gets. */
  defaultEvents: NotifyEventType[];
  idempotent: boolean;
  timeoutMs: number;
  env: EnvStatus[];
  /** The ids of the notify.sinks entries that use it. */
  configured: string[];
}

export interface PluginInfo {
  name: string;
  source: string;
  file?: string;
  sinks: SinkInfo[];
  commands: { name: string; description: string }[];
}

export interface InstanceCheck {
  id: string;
  sink: string;
  events: NotifyEventType[];
  /** Variables the entry's options name (`urlEnv`, …), and whether each is set here. */
  optionEnv: { name: string; set: boolean }[];
  problems: string[];
}

export interface PluginsDoctor {
  ok: boolean;
  /** Problems with loading or with the config (an unknown sink, an event it does not take). */
  problems: string[];
  plugins: PluginInfo[];
  instances: InstanceCheck[];
}

function describe(ctx: ServiceContext, set: PluginSet): PluginInfo[] {
  const env = workerEnv(ctx.env, ctx.root);
  return set.plugins.map((p) => ({
    name: p.name,
    source: p.source,
    ...(p.file ? { file: p.file } : {}),
    sinks: (p.plugin.sinks ?? []).map((s) => ({
      name: s.name,
      description: s.description,
      events: [...s.events],
      defaultEvents: [...(s.defaultEvents ?? s.events)],
      idempotent: s.idempotent,
      timeoutMs: s.timeoutMs,
      env: s.env.map((e) => ({ ...e, set: !!env[e.name] })),
      configured: ctx.config.notify.sinks.filter((e) => e.sink === s.name).map(instanceId),
    })),
    commands: (p.plugin.commands ?? []).map((c) => ({ name: c.name, description: c.description })),
  }));
}

export async function listPlugins(ctx: ServiceContext): Promise<PluginInfo[]> {
  return describe(ctx, await projectPlugins(ctx));
}

export async function doctorPlugins(ctx: ServiceContext): Promise<PluginsDoctor> {
  let set: PluginSet;
  try {
    set = await projectPlugins(ctx);
  } catch (err) {
    return { ok: false, problems: [(err as Error).message], plugins: [], instances: [] };
  }
  const defs = new Map([...set.sinks].map(([name, s]) => [name, s.sink]));
  const { instances, problems } = resolveInstances(ctx.config.notify.sinks, defs);
  const env = workerEnv(ctx.env, ctx.root);
  const checks = instances.map((i): InstanceCheck => {
    const entry = ctx.config.notify.sinks.find((e) => instanceId(e) === i.id)!;
    const sink = defs.get(i.sink)!;
    const optionEnv = Object.entries(entry.options)
      .filter(([k, v]) => k.endsWith('Env') && typeof v === 'string')
      .map(([, v]) => ({ name: v as string, set: !!env[v as string] }));
    let own: string[];
    try {
      own = sink.check?.(entry.options, env) ?? [];
    } catch (err) {
      own = [`its check failed: ${(err as Error).message}`];
    }
    return { id: i.id, sink: i.sink, events: i.events, optionEnv, problems: own };
  });
  const ok = problems.length === 0 && checks.every((c) => c.problems.length === 0);
  return { ok, problems, plugins: describe(ctx, set), instances: checks };
}

/** `br plugins run <plugin> <command> [args]`: the command's exit code. */
export async function runPluginCommand(
  ctx: ServiceContext,
  plugin: string,
  command: string,
  args: string[],
  io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } },
): Promise<number> {
  const set = await projectPlugins(ctx);
  const p = set.plugins.find((x) => x.name === plugin);
  if (!p)
    throw new UserError(
      `No plugin "${plugin}" is loaded (plugins: ${set.plugins.map((x) => x.name).join(', ')}). List it in "plugins" of buildrunner.config.json.`,
    );
  const c = p.plugin.commands?.find((x) => x.name === command);
  if (!c) {
    const names = (p.plugin.commands ?? []).map((x) => x.name);
    throw new UserError(
      `Plugin "${plugin}" has no command "${command}" (${names.length ? `commands: ${names.join(', ')}` : 'it has no commands'}).`,
    );
  }
  const code: unknown = await c.run(args, { cwd: ctx.cwd, env: workerEnv(ctx.env, ctx.root), ...io });
  if (code === undefined) return 0;
  // An exit code outside 0-255 wraps (256 would read as success), and anything else crashes process.exitCode.
  if (typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 255) return code;
  throw new UserError(
    `Plugin "${plugin}" command "${command}" returned ${JSON.stringify(code) ?? typeof code}, not an exit code (0-255).`,
    { hint: 'Its run() must resolve to a whole number from 0 to 255 (0: success); fix the plugin.' },
  );
}
