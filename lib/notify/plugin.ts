/**
 * The plugin API, version 1: what a plugin file exports (`definePlugin({...})`) and what a sink
 * receives. The built-in sinks (webhook, Slack, GitHub) are written against this same API. Pure
 * types and validation; loading a plugin (an import) and delivering (HTTP) happen in activities/.
 */
import { isNotifyEventType, type NotifyEvent, type NotifyEventType } from './events';

export const PLUGIN_API_VERSION = 1;

/** An environment variable a sink reads: shown by `br plugins doctor`, never its value. */
export interface EnvNeed {
  name: string;
  required: boolean;
  description: string;
}

export interface SinkContext {
  /** Stable per (event, sink, configured instance): a receiver that dedupes can use it as is. */
  idempotencyKey: string;
  /** 1 on the first delivery; more when the notifier activity is retried. */
  attempt: number;
  /** Aborted at the sink's timeout: pass it to every request. */
  signal: AbortSignal;
  /** Epoch ms when `signal` aborts: a sink retrying inside its timeout waits only while time is left. */
  deadline?: number;
  /** The worker's environment merged with its secrets file: the only place secrets come from. */
  env: Readonly<Record<string, string | undefined>>;
  /** The non-secret options of this sink's entry in config (`notify.sinks[i].options`). */
  options: Readonly<Record<string, unknown>>;
  /** Where a person can look at the build. */
  links: { status: string; webUi?: string };
  /** Logs through the worker's logger; secrets are masked before anything is written. */
  log(message: string): void;
}

export type DeliveryResult =
  { status: 'delivered'; detail?: string; url?: string } | { status: 'skipped'; reason: string };

export type SinkErrorKind = 'config' | 'permission' | 'rate-limited' | 'unavailable' | 'rejected';

/**
 * What a sink throws when a delivery fails. `retryable: false` stops the notifier's retries (a bad
 * URL, a 403): the failure becomes a typed build event with the hint, and the build goes on.
 * A SinkError also says nothing visible happened (the request was refused or never sent): the
 * notifier may try again even for a sink that is not idempotent. Any other error, or the timeout,
 * leaves the outcome unknown, and a sink that is not idempotent is then never sent again.
 */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly kind: SinkErrorKind,
    readonly retryable: boolean,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

export interface SinkDefinition {
  /** Lower-case letters, digits and "-": how config names it (`notify.sinks[i].sink`). */
  name: string;
  description: string;
  /** The events it takes; config may narrow them, never widen them. */
  events: readonly NotifyEventType[];
  /**
   * What it gets when config names no events (default: all of `events`): a subset of `events`, for a
   * sink where every event would be noise (Slack leaves out task.succeeded). Config may still ask for any.
   */
  defaultEvents?: readonly NotifyEventType[];
  env: readonly EnvNeed[];
  /** The notifier aborts a delivery after this long; the build never waits longer on this sink. */
  timeoutMs: number;
  /**
   * True when delivering again after an unknown outcome (the worker died after the request) makes
   * no second visible effect: the sink finds its own earlier effect (GitHub's hidden marker) or the
   * receiver dedupes by idempotencyKey. False (Slack): the notifier never sends twice.
   */
  idempotent: boolean;
  /** Problems with the options and environment, without sending anything (doctor, build start). */
  check?(
    options: Readonly<Record<string, unknown>>,
    env: Readonly<Record<string, string | undefined>>,
  ): string[];
  deliver(event: NotifyEvent, ctx: SinkContext): Promise<DeliveryResult>;
}

export interface PluginCommandContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** A command a plugin adds: run as `br plugins run <plugin> <command> [args...]`. */
export interface PluginCommand {
  name: string;
  description: string;
  run(args: string[], ctx: PluginCommandContext): Promise<number>;
}

export interface PluginV1 {
  name: string;
  apiVersion: 1;
  sinks?: SinkDefinition[];
  commands?: PluginCommand[];
}

export class PluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginError';
  }
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** What a plugin file exports. Checks the shape now, so a bad plugin fails at load with its name. */
export function definePlugin(plugin: PluginV1): PluginV1 {
  const problems = pluginProblems(plugin);
  if (problems.length) throw new PluginError(problems.join('; '));
  return plugin;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const isEnvNeed = (e: unknown) =>
  !!e &&
  typeof e === 'object' &&
  typeof (e as EnvNeed).name === 'string' &&
  ENV_NAME.test((e as EnvNeed).name) &&
  typeof (e as EnvNeed).required === 'boolean' &&
  typeof (e as EnvNeed).description === 'string';

/** Everything wrong with one sink: whatever the loader, doctor and notifier read must be there. */
function sinkProblems(who: string, s: unknown, names: Set<string>): string[] {
  const sink = (s ?? {}) as Partial<SinkDefinition>;
  const sname = typeof sink.name === 'string' ? sink.name : '?';
  const out: string[] = [];
  if (typeof sink.name !== 'string' || !NAME.test(sink.name))
    out.push(`${who}: sink name "${sname}" is not valid`);
  else if (names.has(sink.name)) out.push(`${who}: two sinks are named "${sink.name}"`);
  names.add(sname);
  const it = `${who}: sink "${sname}"`;
  if (typeof sink.description !== 'string' || !sink.description) out.push(`${it} needs a description`);
  if (typeof sink.deliver !== 'function') out.push(`${it} has no deliver function`);
  if (sink.check !== undefined && typeof sink.check !== 'function')
    out.push(`${it} check must be a function`);
  if (!Array.isArray(sink.events) || sink.events.length === 0) out.push(`${it} takes no events`);
  else
    for (const e of sink.events as unknown[])
      if (!isNotifyEventType(e)) out.push(`${it} takes an unknown event ${JSON.stringify(e) ?? String(e)}`);
  if (sink.defaultEvents !== undefined) {
    const takes = Array.isArray(sink.events) ? (sink.events as unknown[]) : [];
    if (!Array.isArray(sink.defaultEvents) || sink.defaultEvents.length === 0)
      out.push(`${it} defaultEvents must be a non-empty list`);
    else
      for (const e of sink.defaultEvents as unknown[])
        if (!takes.includes(e))
          out.push(`${it} defaultEvents has ${JSON.stringify(e) ?? String(e)}, which is not in its events`);
  }
  if (!Array.isArray(sink.env) || !sink.env.every(isEnvNeed))
    out.push(`${it} env must be a list of { name, required, description } (name: an environment variable)`);
  if (!Number.isInteger(sink.timeoutMs) || sink.timeoutMs! < 100 || sink.timeoutMs! > 300_000)
    out.push(`${it} timeoutMs must be a whole number from 100 to 300000`);
  if (typeof sink.idempotent !== 'boolean') out.push(`${it} must say whether it is idempotent`);
  return out;
}

export function pluginProblems(p: unknown): string[] {
  if (!p || typeof p !== 'object') return ['a plugin must export an object made with definePlugin({...})'];
  const plugin = p as Partial<PluginV1>;
  const who = typeof plugin.name === 'string' ? `plugin "${plugin.name}"` : 'the plugin';
  const out: string[] = [];
  if (typeof plugin.name !== 'string' || !NAME.test(plugin.name))
    out.push(`${who}: name must be lower-case letters, digits and "-" (at most 63), starting with a letter`);
  if (plugin.apiVersion !== PLUGIN_API_VERSION)
    out.push(
      `${who}: apiVersion ${String(plugin.apiVersion)} is not supported: this BuildRunner speaks apiVersion 1`,
    );
  const list = (key: 'sinks' | 'commands'): unknown[] => {
    const value = plugin[key] as unknown;
    if (value === undefined) return [];
    if (Array.isArray(value)) return value as unknown[];
    out.push(`${who}: ${key} must be a list`);
    return [];
  };
  const names = new Set<string>();
  for (const s of list('sinks')) out.push(...sinkProblems(who, s, names));
  for (const c of list('commands') as Partial<PluginCommand>[])
    if (!c || typeof c.name !== 'string' || !NAME.test(c.name) || typeof c.run !== 'function')
      out.push(`${who}: command "${String(c?.name)}" needs a valid name and a run function`);
  return out;
}
