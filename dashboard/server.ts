import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import type { ServiceContext } from '../services/context';
import { loadAssets } from './assets';
import { LiveFeed } from './live';
import { errorReply, type Reply } from './reply';
import { routeRequest } from './routes';

/**
 * `br dashboard`: a local web server over the same database and Temporal namespace as the CLI. Binds
 * loopback unless told otherwise, holds one read-only database connection, and answers only requests
 * addressed to its own host name (a page on another site cannot reach it through DNS rebinding).
 */

export interface DashboardOptions {
  ctx: ServiceContext;
  /** Opened read-only by `openDashboardDatabase`; tests may pass their own. */
  db: Database;
  host?: string;
  port?: number;
  /** Steering from the page (pause, resume, cancel); read-only without it. */
  allowControl?: boolean;
  /** How often the live feed asks the database whether anything changed. */
  pollMs?: number;
  /** The clock of "today" and elapsed times; tests pin it. */
  now?: () => Date;
}

export interface RunningDashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

export class PortInUseError extends UserError {
  constructor(host: string, port: number) {
    super(`Port ${port} on ${host} is in use. Choose another with --port N (or --port 0 for a free one).`);
  }
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const assets = loadAssets();
  const live = new LiveFeed(options.db, options.pollMs ?? 500);
  const csrfToken = options.allowControl ? randomBytes(24).toString('base64url') : null;
  let port = options.port ?? 7358;
  const allowedHosts = () =>
    new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      if (err instanceof BodyTooLargeError) return send(res, errorReply(413, 'Too large', err.message));
      send(res, errorReply(500, 'Something went wrong', err.message));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '') && !wildcardReachable(host, port, req.headers.host))
      return send(res, errorReply(421, 'Wrong host', `This dashboard answers on ${host}:${port} only.`));
    const url = new URL(req.url ?? '/', `http://${bracketed(host)}:${port}`);
    if (req.method === 'GET' && url.pathname === '/api/events') return live.attach(res);
    if (req.method === 'GET' && url.pathname.startsWith('/assets/')) {
      const asset = assets.get(url.pathname.slice('/assets/'.length));
      if (!asset) return send(res, errorReply(404, 'Not found', `No asset ${url.pathname}.`));
      return send(res, { status: 200, type: asset.type, body: asset.body, cache: 'max-age=300' });
    }
    const reply = await routeRequest(
      { ctx: options.ctx, db: options.db, csrfToken, now: options.now ?? (() => new Date()) },
      { method: req.method ?? 'GET', url, headers: req.headers, body: () => readBody(req) },
    );
    send(res, reply ?? errorReply(404, 'Not found', `Nothing at ${url.pathname}.`));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port) : err),
    );
    server.listen(port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${bracketed(host)}:${port}`,
    port,
    close: () => closeServer(server, live),
  };
}

/**
 * Bound to every interface, the dashboard is reached by whatever address or name the user's network gives
 * it; an address literal or this machine's own name is accepted, any other DNS name is refused, since
 * that is exactly what a rebinding page sends.
 */
function wildcardReachable(host: string, port: number, header: string | undefined): boolean {
  if (!['0.0.0.0', '::'].includes(host) || !header) return false;
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(header);
  if (!m || Number(m[2]) !== port) return false;
  const name = m[1]!.replace(/^\[|\]$/g, '');
  return isIP(name) !== 0 || name.toLowerCase() === hostname().toLowerCase();
}

const bracketed = (host: string) => (host.includes(':') ? `[${host}]` : host);

async function closeServer(server: Server, live: LiveFeed): Promise<void> {
  live.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.redirect) {
    res.writeHead(303, { ...SECURITY_HEADERS, location: reply.redirect });
    res.end();
    return;
  }
  res.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    'content-type': reply.type,
    'cache-control': reply.cache ?? 'no-store',
  });
  res.end(reply.body);
}

const MAX_BODY = 16 * 1024;

class BodyTooLargeError extends UserError {
  constructor() {
    super(`Request body too large (at most ${MAX_BODY} bytes).`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += (chunk as Buffer).toString('utf8');
    if (body.length > MAX_BODY) throw new BodyTooLargeError();
  }
  return body;
}
