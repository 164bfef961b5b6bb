import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import type { ServiceContext } from '../services/context';
import { BuildNotFoundError, dashboardBuild } from '../services/dashboard-build';
import { dashboardOverview } from '../services/dashboard-overview';
import { buildBody, buildPage } from './pages/build';
import { overviewBody, overviewPage } from './pages/overview';
import { errorReply, htmlReply, jsonReply, type Reply } from './reply';

/**
 * Every page has a JSON twin under /api with the same data, so a widget's numbers can be checked
 * against the CLI's `--json`. A request with `X-Partial: 1` gets the page's main content only (the
 * live refresh swaps it in).
 */

export interface RouteContext {
  ctx: ServiceContext;
  db: Database;
  /** Set only with --allow-control: steering forms must carry it. */
  csrfToken: string | null;
  now: () => Date;
}

export interface RouteRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: () => Promise<string>;
}

const BUILD = /^\/(api\/)?builds\/([^/]+)(\/status)?$/;
const STEER = /^\/builds\/([^/]+)\/(pause|resume|cancel)$/;

export async function routeRequest(rc: RouteContext, req: RouteRequest): Promise<Reply | null> {
  const { pathname, searchParams } = req.url;
  const partial = req.headers['x-partial'] === '1';
  if (req.method === 'POST') {
    const steer = STEER.exec(pathname);
    if (!steer) return null;
    const id = decodeId(steer[1]!);
    return id === null ? badId() : steerBuild(rc, req, id, steer[2] as Action);
  }
  if (req.method !== 'GET') return errorReply(405, 'Method not allowed', `${req.method} is not served here.`);
  if (pathname === '/' || pathname === '/api/overview') {
    const data = await dashboardOverview(rc.ctx, rc.db, rc.now());
    if (pathname === '/api/overview') return jsonReply(200, data);
    return htmlReply(200, partial ? overviewBody(data) : overviewPage(data));
  }
  if (pathname === '/api/costs') return costsReply(rc, searchParams);
  const build = BUILD.exec(pathname);
  if (!build) return null;
  const api = build[1] !== undefined;
  const id = decodeId(build[2]!);
  if (id === null) return api ? jsonReply(400, { error: 'Malformed build id in the address.' }) : badId();
  try {
    if (build[3]) {
      if (!api) return null;
      const { buildStatus } = await import('../services/build-status');
      return jsonReply(200, await buildStatus(rc.ctx, id));
    }
    const data = await dashboardBuild(rc.ctx, rc.db, id);
    if (api) return jsonReply(200, data);
    const steering = rc.csrfToken ? { csrfToken: rc.csrfToken } : null;
    return htmlReply(200, partial ? buildBody(data, steering) : buildPage(data, steering));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const status = err instanceof BuildNotFoundError ? 404 : 400;
    return api ? jsonReply(status, { error: err.message }) : errorReply(status, 'No such build', err.message);
  }
}

async function costsReply(rc: RouteContext, q: URLSearchParams): Promise<Reply> {
  const { COST_GROUPINGS, costs, parseSince } = await import('../services/reports');
  const by = q.get('by') ?? 'model';
  if (!(COST_GROUPINGS as readonly string[]).includes(by))
    return jsonReply(400, { error: `by must be one of ${COST_GROUPINGS.join(', ')}` });
  try {
    const report = await costs(rc.ctx, {
      by: by as (typeof COST_GROUPINGS)[number],
      since: parseSince(q.get('since') ?? undefined),
      buildId: q.get('build'),
    });
    return jsonReply(200, report);
  } catch (err) {
    if (err instanceof UserError) return jsonReply(400, { error: err.message });
    throw err;
  }
}

type Action = 'pause' | 'resume' | 'cancel';

async function steerBuild(rc: RouteContext, req: RouteRequest, id: string, action: Action): Promise<Reply> {
  if (!rc.csrfToken)
    return errorReply(
      403,
      'Read-only',
      'This dashboard is read-only. Start it with --allow-control to steer builds.',
    );
  // A browser sends Origin on every cross-site POST: one that is not this dashboard is refused outright.
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== req.url.origin && originHost(origin) !== req.headers.host)
    return errorReply(403, 'Refused', 'Steering is accepted only from the dashboard’s own pages.');
  const form = new URLSearchParams(await req.body());
  const token = form.get('csrf') ?? String(req.headers['x-csrf-token'] ?? '');
  if (!sameToken(token, rc.csrfToken))
    return errorReply(
      403,
      'Refused',
      'The request did not carry this dashboard’s token; reload the page and try again.',
    );
  const { buildBackend } = await import('../services/build-backend');
  try {
    await buildBackend(rc.ctx).signal(rc.ctx, id, action, 'from the dashboard');
  } catch (err) {
    if (err instanceof UserError) return errorReply(409, 'Not done', err.message);
    throw err;
  }
  return { status: 303, type: 'text/plain', body: '', redirect: `/builds/${encodeURIComponent(id)}` };
}

/** A hand-typed or forged address may hold a `%` that is no escape; that is the user's mistake, not ours. */
function decodeId(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const badId = () => errorReply(400, 'No such build', 'Malformed build id in the address.');

/** `Origin: null` (sandboxed frames, file: pages) and anything unparsable name no host, so never ours. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host || null;
  } catch {
    return null;
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
