import type { Client, Connection } from '@temporalio/client';
import { UserError } from '../errors';
import type { ServiceContext } from './context';

export class TemporalUnreachableError extends UserError {}

/** What to tell a user whose Temporal server cannot be reached. */
export function unreachableMessage(address: string, cause: string): string {
  return (
    `Cannot reach the Temporal server at ${address} (${cause}). Start one with \`br dev\` (local dev stack) ` +
    'or `docker compose up -d` (see docker-compose.yml), or point TEMPORAL_ADDRESS at a running cluster.'
  );
}

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
    throw new TemporalUnreachableError(
      unreachableMessage(address, (err as Error).message.split('\n')[0] ?? 'unknown'),
    );
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
