import type { Client, Connection } from '@temporalio/client';
import { TemporalUnreachableError } from '../lib/errors';
import type { ServiceContext } from './context';
import { runningDevStack } from './dev-lock';
import { step, TEMPORAL_HINT } from './steps';

/** Connects to Temporal with the configured address and namespace; a clear UserError when it is down. */
export async function connectTemporal(
  ctx: ServiceContext,
): Promise<{ client: Client; connection: Connection }> {
  const { Client, Connection } = await import('@temporalio/client');
  const { address, namespace } = ctx.config.temporal;
  let connection: Connection;
  try {
    connection = await temporalStep(ctx, () => Connection.connect({ address, connectTimeout: '5 seconds' }));
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
  return { client: new Client({ connection, namespace }), connection };
}

/** A call to the Temporal server, named for a deadline message (steps.ts). */
export function temporalStep<T>(ctx: ServiceContext, fn: () => Promise<T>): Promise<T> {
  return step(`Temporal at ${ctx.config.temporal.address}`, TEMPORAL_HINT, fn);
}

export async function withTemporal<T>(ctx: ServiceContext, fn: (client: Client) => Promise<T>): Promise<T> {
  const { client, connection } = await connectTemporal(ctx);
  try {
    return await temporalStep(ctx, () => fn(client));
  } finally {
    await connection.close();
  }
}

/**
 * The Web UI that serves the configured namespace: `temporal.webUiUrl` (or TEMPORAL_UI_URL) when set,
 * else the UI of the `br dev` stack running in this folder when it serves the configured address.
 * null when neither is known: a guessed default port may be nothing, or another server's UI.
 */
export function webUiBase(ctx: ServiceContext): string | null {
  const { webUiUrl, address } = ctx.config.temporal;
  if (webUiUrl) return webUiUrl.replace(/\/$/, '');
  const dev = runningDevStack(ctx.root);
  if (dev?.webUiUrl && sameAddress(dev.temporalAddress, address)) return dev.webUiUrl.replace(/\/$/, '');
  return null;
}

/** The namespace's workflow list, or null when no Web UI is known (webUiBase). */
export function webUiWorkflowsLink(ctx: ServiceContext): string | null {
  const base = webUiBase(ctx);
  return base ? `${base}/namespaces/${encodeURIComponent(ctx.config.temporal.namespace)}/workflows` : null;
}

export function webUiLink(ctx: ServiceContext, workflowId: string): string | null {
  const list = webUiWorkflowsLink(ctx);
  return list ? `${list}/${encodeURIComponent(workflowId)}` : null;
}

/** What to print where a link would go when no Web UI is known. */
export const NO_WEB_UI =
  'unknown (set temporal.webUiUrl or TEMPORAL_UI_URL to the Temporal Web UI that serves this namespace)';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

export function sameAddress(a: string, b: string): boolean {
  const split = (s: string) => {
    const i = s.lastIndexOf(':');
    const host = s.slice(0, i).toLowerCase();
    return { host: LOOPBACK.has(host) ? 'loopback' : host, port: s.slice(i + 1) };
  };
  const x = split(a);
  const y = split(b);
  return x.host === y.host && x.port === y.port;
}
