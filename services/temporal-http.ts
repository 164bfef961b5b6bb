import { request } from 'node:http';
import type { ServiceContext } from './context';
import { runningDevStack } from './dev-lock';
import { sameAddress, webUiBase } from './temporal-client';

/**
 * Temporal's HTTP API (the frontend's grpc-gateway: the same WorkflowService calls as gRPC, in proto
 * JSON), read with plain `fetch`: a one-shot read that asks a few questions of a running build need not
 * load `@temporalio/client` and its protobuf root, which cost most of its time (issue 31).
 *
 * Two bases. The frontend's HTTP API (`temporal.httpAddress`, or the one `br dev` started here) routes
 * a workflow id from the decoded path, so an id with a `/` in it (every task workflow:
 * `<build>/task-<id>`) is split and answered 404; the Web UI server proxies the same API under `/api/v1`
 * and keeps an escaped `/`, but wants a CSRF token for a POST. So: a query goes to the frontend (build
 * ids have no `/`), a read of a task workflow to the Web UI. Payloads are asked in full form
 * (`noPayloadShorthand`): the shorthand turns an empty list into null.
 */

/** This route cannot answer (no base configured, not reachable, a refusal): the gRPC client should. */
export class HttpApiUnavailable extends Error {}

/** Temporal answered that the workflow does not exist (NotFound). */
export class HttpWorkflowNotFound extends Error {}

export interface HttpPayload {
  metadata?: Record<string, string>;
  data?: string;
}
export type HttpPayloads = { payloads?: HttpPayload[] } | undefined;

export interface TemporalHttp {
  namespace: string;
  /** GET a workflow's resource; `path` follows `/workflows/<id>`. */
  workflowGet<T>(workflowId: string, path?: string, query?: Record<string, string>): Promise<T>;
  /** POST to a workflow's resource (the frontend only). */
  workflowPost<T>(workflowId: string, path: string, body: unknown): Promise<T>;
}

function withScheme(address: string): string {
  return (/^https?:\/\//.test(address) ? address : `http://${address}`).replace(/\/$/, '');
}

/** The frontend's HTTP API: `temporal.httpAddress`, else the one of the `br dev` stack serving the configured address. */
export function temporalHttpBase(ctx: ServiceContext): string | null {
  const { httpAddress, address } = ctx.config.temporal;
  if (httpAddress) return withScheme(httpAddress);
  const dev = runningDevStack(ctx.root);
  if (dev?.temporalHttpAddress && sameAddress(dev.temporalAddress, address))
    return withScheme(dev.temporalHttpAddress);
  return null;
}

// A loaded machine answers slowly, a server that is not there at once: past this the client path takes over.
const TIMEOUT_MS = 10_000;

/**
 * node:http rather than fetch: fetch loads undici on first use, 30-50 ms of CPU in a one-shot CLI process.
 * Plain http only (a dev server or a loopback proxy); an https base is left to the gRPC client.
 */
function send(url: string, method: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (!url.startsWith('http://')) return reject(new Error('not plain http'));
    const req = request(
      url,
      {
        method,
        timeout: TIMEOUT_MS,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** null when the frontend's HTTP API is not known. */
export function openTemporalHttp(ctx: ServiceContext): TemporalHttp | null {
  const api = temporalHttpBase(ctx);
  if (!api) return null;
  const ui = webUiBase(ctx);
  const namespace = ctx.config.temporal.namespace;
  const call = async <T>(base: string | null, workflowId: string, rest: string, body?: unknown) => {
    if (!base) throw new HttpApiUnavailable(`no HTTP API that can address ${workflowId}`);
    const url = `${base}/api/v1/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}${rest}`;
    let res: { status: number; text: string };
    try {
      res = await send(
        url,
        body === undefined ? 'GET' : 'POST',
        body === undefined ? undefined : JSON.stringify(body),
      );
    } catch (err) {
      throw new HttpApiUnavailable(`${url}: ${(err as Error).message}`);
    }
    if (res.status === 200) return JSON.parse(res.text) as T;
    // A NotFound from the service carries its failure detail; the router's own 404 carries none.
    if (res.status === 404 && res.text.includes('NotFoundFailure'))
      throw new HttpWorkflowNotFound(workflowId);
    throw new HttpApiUnavailable(`${url}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  };
  const query = (q: Record<string, string> = {}) =>
    `?${new URLSearchParams({ ...q, noPayloadShorthand: 'true' }).toString()}`;
  return {
    namespace,
    workflowGet: (workflowId, path = '', q) =>
      call(workflowId.includes('/') ? ui : api, workflowId, `${path}${query(q)}`),
    workflowPost: (workflowId, path, body) =>
      call(workflowId.includes('/') ? null : api, workflowId, `${path}${query()}`, body ?? {}),
  };
}

/**
 * A payload as the SDK's default converter reads it: JSON, or undefined for `binary/null`, for an
 * encoding it would not know, or for data that does not parse (as task-reader.ts `first`).
 */
export function httpPayload(payloads: HttpPayloads): unknown {
  const p = payloads?.payloads?.[0];
  if (!p) return undefined;
  const encoding = p.metadata?.encoding ? Buffer.from(p.metadata.encoding, 'base64').toString() : '';
  if (encoding !== 'json/plain') return undefined;
  try {
    return JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Epoch ms of a proto-JSON timestamp (RFC 3339), as the gRPC path floors it to the millisecond. */
export function httpTime(ts: string | undefined): number | undefined {
  if (!ts) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Milliseconds of a proto-JSON duration ("12.5s"). */
export function httpDuration(d: string | undefined): number | undefined {
  const m = d ? /^(\d+)(?:\.(\d+))?s$/.exec(d) : null;
  if (!m) return undefined;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
}
