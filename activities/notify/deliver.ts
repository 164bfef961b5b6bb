/**
 * One delivery of one event to one configured sink, under the ledger (ledger.ts): exactly one visible
 * effect. A sent key is not sent again; an earlier attempt with an unknown outcome is sent again only
 * to an idempotent sink, otherwise it becomes NOTIFY_OUTCOME_UNKNOWN. The sink is aborted at its
 * timeout. Everything that leaves here (errors, log lines, ledger rows) is masked.
 */
import type { BuildRunnerConfig } from '../../lib/config';
import type { NotifyInput, NotifyResult } from '../../lib/contracts';
import type { Database } from '../../lib/db/connection';
import { instanceId } from '../../lib/notify/config';
import { PluginError, SinkError, type SinkErrorKind } from '../../lib/notify/plugin';
import { redactSecrets, secretValuesOf } from '../../lib/secrets/redact';
import { workerEnv } from './env';
import { beginAttempt, clearAttempt, markSent, markUnknown, wasSent } from './ledger';
import type { PluginSet } from './loader';

export interface NotifyDeps {
  db: Database;
  config: BuildRunnerConfig;
  root: string;
  env: NodeJS.ProcessEnv;
  plugins(): Promise<PluginSet>;
  log?(line: string): void;
}

/** A delivery that failed for good or for this attempt; the activity turns it into an ApplicationFailure. */
export class NotifyFailure extends Error {
  constructor(
    message: string,
    readonly kind: SinkErrorKind | 'timeout',
    readonly retryable: boolean,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'NotifyFailure';
  }
}

const UNKNOWN_HINT =
  'An earlier try may have been delivered before its worker stopped; it was not sent again, so it arrived once or not at all. Check the receiving side.';

function configFailure(message: string, hint: string): NotifyFailure {
  return new NotifyFailure(message, 'config', false, hint);
}

/** Secrets a message could carry: credential-like environment values, and every variable the sink reads. */
function secretsOf(env: Record<string, string | undefined>, names: string[]): string[] {
  const named = names.map((n) => env[n]).filter((v): v is string => !!v);
  return [...named, ...secretValuesOf(env)];
}

/** The promise, or the signal's reason as soon as it aborts, whichever comes first. */
function abortable<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

export async function deliverNotification(
  deps: NotifyDeps,
  input: NotifyInput,
  run: { attempt: number; signal?: AbortSignal; webUiUrl?: string },
): Promise<NotifyResult> {
  const { db } = deps;
  const { event, sink: instance, key } = input;
  let plugins: PluginSet;
  try {
    plugins = await deps.plugins();
  } catch (err) {
    const message = err instanceof PluginError ? err.message : String(err);
    throw configFailure(message, 'Fix the plugin (br plugins doctor), then restart the worker.');
  }
  const found = plugins.sinks.get(instance.sink);
  if (!found)
    throw configFailure(
      `this worker has no sink "${instance.sink}"`,
      'Every worker needs the plugins of the builds it runs: list the plugin in "plugins" of its buildrunner.config.json and restart it.',
    );
  const entry = deps.config.notify.sinks.find((s) => instanceId(s) === instance.id);
  if (!entry)
    throw configFailure(
      `this worker's config has no notify sink "${instance.id}"`,
      'Workers read sink options from their own buildrunner.config.json: give them the same "notify" section as where builds start.',
    );
  const sink = found.sink;
  const env = workerEnv(deps.env, deps.root);
  const optionEnv = Object.entries(entry.options)
    .filter(([k, v]) => k.endsWith('Env') && typeof v === 'string')
    .map(([, v]) => v as string);
  const known = secretsOf(env, [...sink.env.map((e) => e.name), ...optionEnv]);
  const mask = (text: string) => redactSecrets(text, known).slice(0, 2000);
  const ledger = { buildId: event.buildId, sink: instance.id, event: event.type };

  if (await wasSent(db, key)) return { status: 'duplicate', detail: 'already delivered' };
  const first = await beginAttempt(db, key, ledger, run.attempt);
  if (!first && !sink.idempotent) {
    const message = `${instance.id}: ${event.type} may have been delivered by an earlier try; not sent again`;
    await markUnknown(db, key, ledger, { attempt: run.attempt, message, hint: UNKNOWN_HINT });
    return { status: 'outcome-unknown', detail: message };
  }

  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new Error(`timed out after ${instance.timeoutMs} ms`)),
    instance.timeoutMs,
  );
  const signal = run.signal ? AbortSignal.any([timeout.signal, run.signal]) : timeout.signal;
  const status = `br build status ${event.buildId}`;
  const webUi = run.webUiUrl
    ? `${run.webUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(event.buildId)}`
    : undefined;
  try {
    // Raced with the signal: a sink that ignores it (a plugin's) still ends here at its timeout, so the
    // activity ends, its worker slot frees, and the build's bound holds.
    const result = await abortable(
      signal,
      sink.deliver(event, {
        idempotencyKey: key,
        attempt: run.attempt,
        signal,
        deadline: Date.now() + instance.timeoutMs,
        env,
        options: entry.options,
        links: { status, ...(webUi ? { webUi } : {}) },
        log: (line) => deps.log?.(mask(`notify ${instance.id}: ${line}`)),
      }),
    );
    const detail = result.status === 'delivered' ? result.detail : result.reason;
    const url = result.status === 'delivered' ? result.url : undefined;
    await markSent(db, key, ledger, {
      status: result.status,
      attempt: run.attempt,
      ...(detail ? { detail: mask(detail) } : {}),
      ...(url ? { url: mask(url) } : {}),
    });
    return { status: result.status, ...(detail ? { detail: mask(detail) } : {}) };
  } catch (err) {
    if (timeout.signal.aborted)
      throw new NotifyFailure(
        `${instance.id} did not answer ${event.type} within ${instance.timeoutMs} ms`,
        'timeout',
        false,
        'The receiver was too slow; it may still have received the event. The build did not wait longer.',
      );
    if (run.signal?.aborted) throw err;
    if (err instanceof SinkError) {
      await clearAttempt(db, key);
      throw new NotifyFailure(mask(err.message), err.kind, err.retryable, err.hint && mask(err.hint));
    }
    // Not the sink's own verdict (a bug, a dropped connection): the request may have landed.
    throw new NotifyFailure(mask((err as Error)?.message ?? String(err)), 'unavailable', true);
  } finally {
    clearTimeout(timer);
  }
}
