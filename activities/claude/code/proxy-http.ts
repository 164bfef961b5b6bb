/** The plain HTTP parts of the metering proxy (proxy.ts): the one header filter, request bodies, error bodies. */
import type { IncomingMessage } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1): each side of the proxy has its own connection. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'content-length', 'transfer-encoding'];
/** Headers that never cross the proxy, by direction: the proxy sets the key and asks for an unencoded answer. */
const DROPPED = {
  request: new Set([...HOP_BY_HOP, 'host', 'accept-encoding', 'authorization', 'x-api-key']),
  response: new Set([...HOP_BY_HOP, 'content-encoding']),
};

/** The one header filter: what crosses the proxy in `direction`. */
export function passHeaders(
  from: Iterable<[string, string | string[] | undefined]>,
  direction: keyof typeof DROPPED,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of from)
    if (!DROPPED[direction].has(name.toLowerCase()) && typeof value === 'string') out[name] = value;
  return out;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => resolve(raw));
    req.on('error', reject);
  });
}

export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function entriesOf(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => out.push([name, value]));
  return out;
}
