/**
 * The `notify` and `plugins` keys of buildrunner.config.json, and the sink instances a build carries.
 * Config names sinks and narrows their events; it never holds a secret: a sink's options name the
 * worker's environment variable (`urlEnv`, `secretEnv`), whose value only the worker reads.
 */
import { z } from 'zod';
import { secretSpans } from '../secrets/scan';
import { NOTIFY_EVENT_TYPES, type NotifyEventType } from './events';
import type { SinkDefinition } from './plugin';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const nameSchema = z
  .string()
  .regex(NAME, 'expected lower-case letters, digits and "-", starting with a letter');

/** A URL with a user or password, or anything the secret scanner recognises (a Slack webhook, a token). */
function secretProblem(value: unknown): string | null {
  if (typeof value === 'string') {
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(value) || secretSpans(value).length > 0)
      return 'looks like a secret: options are not secret (they reach the build and its history); put the value in the worker environment or its .env file and name the variable instead (e.g. "urlEnv": "MY_WEBHOOK_URL")';
    return null;
  }
  if (Array.isArray(value)) return value.map(secretProblem).find((p) => p) ?? null;
  if (value && typeof value === 'object')
    return (
      Object.values(value)
        .map(secretProblem)
        .find((p) => p) ?? null
    );
  return null;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** What the worker itself holds (the Anthropic key, the database): never a sink's to read and send. */
const OWN_CREDENTIAL = /^(ANTHROPIC_|DATABASE_URL$|BR_DATABASE_URL$)/i;

/** An option naming a variable (`urlEnv`, `tokenEnv`, …): a name, and not one of BuildRunner's own. */
function envNameProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !ENV_NAME.test(value))
    return 'must name an environment variable (letters, digits, "_")';
  if (OWN_CREDENTIAL.test(value))
    return `"${value}" is BuildRunner's own credential: a sink would send it to its receiver; give the sink a variable of its own`;
  return null;
}

const sinkEntry = z.strictObject({
  /** How events and status name this instance; default: the sink's name. Two entries of one sink need ids. */
  id: nameSchema.optional(),
  /** A sink of a loaded plugin (built-in: `webhook`). */
  sink: nameSchema,
  /** A subset of what the sink takes; default: the sink's defaultEvents, else everything it takes. */
  events: z.array(z.enum(NOTIFY_EVENT_TYPES)).min(1).optional(),
  options: z
    .record(z.string(), z.unknown())
    .superRefine((options, ctx) => {
      for (const [key, value] of Object.entries(options)) {
        const problem = key.endsWith('Env') ? envNameProblem(value) : secretProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
    })
    .default({}),
});

export const notifySchema = z
  .strictObject({ sinks: z.array(sinkEntry).default([]) })
  .superRefine((n, ctx) => {
    const seen = new Set<string>();
    n.sinks.forEach((s, i) => {
      const id = s.id ?? s.sink;
      if (seen.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['sinks', i, 'id'],
          message: `two sinks are named "${id}": give each entry its own "id"`,
        });
      seen.add(id);
    });
  });

/** Local files (relative to the config's folder) or package names; node_modules is never scanned. */
export const pluginsSchema = z.array(z.string().min(1)).default([]);

export type NotifyConfig = z.output<typeof notifySchema>;
export type SinkEntry = NotifyConfig['sinks'][number];

/** What a build carries about one configured sink: nothing secret, no options (the worker reads those). */
export interface SinkInstance {
  id: string;
  sink: string;
  events: NotifyEventType[];
  timeoutMs: number;
  idempotent: boolean;
}

/** The `notify` part of a build's input; absent when no sink is configured. */
export interface NotifySettings {
  sinks: SinkInstance[];
}

export function instanceId(entry: SinkEntry): string {
  return entry.id ?? entry.sink;
}

/**
 * The configured sinks checked against the loaded sink definitions: an unknown sink and an event the
 * sink does not take are problems naming the entry and what to do.
 */
export function resolveInstances(
  entries: readonly SinkEntry[],
  sinks: ReadonlyMap<string, Pick<SinkDefinition, 'events' | 'defaultEvents' | 'timeoutMs' | 'idempotent'>>,
): { instances: SinkInstance[]; problems: string[] } {
  const instances: SinkInstance[] = [];
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const where = `notify.sinks[${i}]`;
    const def = sinks.get(entry.sink);
    if (!def) {
      const known = [...sinks.keys()].sort().join(', ') || 'none';
      problems.push(
        `${where}: no loaded plugin has a sink "${entry.sink}" (sinks: ${known}); add its plugin to "plugins" or fix the name (br plugins list)`,
      );
      return;
    }
    const refused = (entry.events ?? []).filter((e) => !def.events.includes(e));
    if (refused.length) {
      problems.push(
        `${where}: sink "${entry.sink}" does not take ${refused.join(', ')} (it takes ${def.events.join(', ')})`,
      );
      return;
    }
    instances.push({
      id: instanceId(entry),
      sink: entry.sink,
      events: [...(entry.events ?? def.defaultEvents ?? def.events)],
      timeoutMs: def.timeoutMs,
      idempotent: def.idempotent,
    });
  });
  return { instances, problems };
}
