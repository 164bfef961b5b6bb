import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { UserError } from '../lib/errors';

/** A response budget of 25k tokens, by the usual bytes/4 estimate. Pages are sized to stay well inside it. */
export const MAX_RESPONSE_BYTES = 100_000;

export interface Page {
  offset: number;
  limit: number;
  total: number;
  /** Pass as `offset` to get the next page; null on the last page. */
  nextOffset: number | null;
}

/** One page of a list; the caller echoes `page` so an agent knows whether to ask for more. */
export function paginate<T>(items: T[], offset = 0, limit = 50): { items: T[]; page: Page } {
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return {
    items: slice,
    page: { offset, limit, total: items.length, nextOffset: next < items.length ? next : null },
  };
}

export type ResourceLink = {
  type: 'resource_link';
  uri: string;
  name: string;
  mimeType: string;
  description?: string;
};

/**
 * A tool result: the data as structuredContent, the same JSON as text for clients that read only text,
 * and links to anything large (logs, STATUS.md) instead of inlining it.
 */
export function ok(data: object, links: ResourceLink[] = []): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(data, bigints) }, ...links],
    structuredContent: JSON.parse(JSON.stringify(data, bigints)) as Record<string, unknown>,
  };
}

const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Runs a tool body: a UserError (what the CLI prints without a stack) becomes an error result the
 * agent can act on; anything else is a bug and is reported with its message only, never on stdout.
 */
export async function run(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The hint is what the CLI prints under the message: what to do next.
    const text =
      err instanceof UserError
        ? err.hint
          ? `${message}\n${err.hint}`
          : message
        : `Internal error: ${message}`;
    return { isError: true, content: [{ type: 'text', text }] };
  }
}

/** Rejects with a UserError after ms, so a call that depends on someone else answering never hangs. */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  message: string | (() => string),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new UserError(typeof message === 'string' ? message : message())), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
