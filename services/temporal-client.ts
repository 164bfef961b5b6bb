import type { Client, Connection } from '@temporalio/client';
import { TemporalUnreachableError } from '../lib/errors';
import type { ServiceContext } from './context';

/** Connects to Temporal with the configured address and namespace; a clear UserError when it is down. */
export async function connectTemporal(
  ctx: ServiceContext,
): Promise<{ client: Client; connection: Connection }> {
  const { Client, Connection } = await import('@temporalio/client');
  const { address, namespace } = ctx.config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
  return { client: new Client({ connection, namespace }), connection };
}

export async function withTemporal<T>(ctx: ServiceContext, fn: (client: Client) => Promise<T>): Promise<T> {
  const { client, connection } = await connectTemporal(ctx);
  try {
    return await fn(client);
  } finally {
    await connection.close();
  }
}

export function webUiLink(ctx: ServiceContext, workflowId: string): string {
  const { webUiUrl, namespace } = ctx.config.temporal;
  return `${webUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
