import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SdkUsage } from './sdk';
import { entriesOf, jsonOrText, passHeaders, readBody } from './proxy-http';
import { jsonMessage, StreamMeter } from './stream-meter';

/**
 * A loopback pass-through between Claude Code and the Anthropic API, owned by one agent attempt. Claude
 * Code reports neither response headers (retry-after) nor the calls it makes on the side, and it may
 * choose models itself; this proxy is where BuildRunner sees and decides all of that:
 *
 * - the API key: Claude Code gets a placeholder; the proxy sets the real key on the upstream request,
 *   so the key never enters the Claude Code process, its environment or its files;
 * - the model: every request is sent with the attempt's model (model changes are the workflow's);
 * - costs: every message that streams back (or comes back as JSON) is reported with its id and usage;
 * - failures: the first error response (status, headers, body) is kept for classification, and every
 *   later request gets the same error at once, so no engine-side retry reaches the API;
 * - limits: once the attempt's budget or token cap is reached the proxy forwards nothing more.
 */

export interface ProxiedMessage {
  id: string;
  model: string;
  usage: SdkUsage;
  /** The request's path: /v1/messages for turns; side calls are recorded the same way. */
  path: string;
  /** What onRequest returned for this request. */
  key?: string;
}

export interface UpstreamError {
  status?: number;
  headers: Headers;
  body: unknown;
  /** A network failure (no HTTP answer) or an error event inside a 200 stream. */
  kind: 'http' | 'stream' | 'network';
  message: string;
}

export interface ProxyOptions {
  upstream: string;
  apiKey: string;
  model: string;
  /** Called after each complete message; awaited before the response ends, so a cost row exists before the next turn. */
  onMessage: (message: ProxiedMessage) => Promise<void>;
  /**
   * Called before a model call is forwarded (awaited), with its size and max_tokens: puts the request on
   * record before it is sent. Its result comes back as the message's `key`, or to onRefused.
   */
  onRequest?: (request: { bytes: number; maxTokens: number }) => Promise<string>;
  /** The API answered that model call with an HTTP error (nothing billed). */
  onRefused?: (key: string) => Promise<void>;
}

export interface MeteringProxy {
  readonly url: string;
  /** The first upstream failure, if any. */
  error(): UpstreamError | undefined;
  /** What onMessage threw (e.g. a served model without a price), if anything. */
  recordFailure(): unknown;
  /** Refuse every further request (the attempt hit a limit); `reason` is what Claude Code is told. */
  stop(reason: string): void;
  close(): Promise<void>;
}

/** What Claude Code sends instead of the key: the proxy replaces it (a key-shaped value would be masked in logs anyway). */
export const PLACEHOLDER_KEY = 'buildrunner-proxy-sets-the-key';

/** A call to the model (POST /v1/messages), as opposed to token counting or any other endpoint. */
export function isModelCall(method: string | undefined, path: string): boolean {
  return method === 'POST' && /^\/v1\/messages(\?|$)/.test(path);
}

/** The proxy's state over the attempt. */
interface ProxyState {
  options: ProxyOptions;
  upstream: string;
  firstError: UpstreamError | undefined;
  stopped: string | undefined;
  recordFailure: unknown;
  inFlight: Set<AbortController>;
  /** The cost of the previous message is recorded (and the limits checked) before the next request goes out. */
  recording: Promise<void>;
}

function refuse(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

async function handle(s: ProxyState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  await s.recording;
  if (!gate(s, res)) return;
  const path = req.url ?? '/';
  // Model calls: priced, and their failures decide the attempt. Other calls (token counting, …) pass through.
  const metered = isModelCall(req.method, path);
  const body = metered && raw ? withModel(raw, s.options.model) : raw;
  const key =
    metered && s.options.onRequest
      ? await s.options.onRequest({ bytes: Buffer.byteLength(body), maxTokens: maxTokensOf(body) })
      : undefined;
  const forwarded = await forward(s, req, res, path, body, metered);
  if (forwarded) await meter(s, res, forwarded, path, metered, key);
  else if (key !== undefined && s.firstError?.kind === 'http') await s.options.onRefused?.(key);
}

function maxTokensOf(body: string): number {
  try {
    const n = (JSON.parse(body) as { max_tokens?: unknown }).max_tokens;
    return typeof n === 'number' && Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/** Lets a request through, or answers it here: the attempt stopped, or an earlier call already failed. */
function gate(s: ProxyState, res: ServerResponse): boolean {
  if (s.stopped) {
    refuse(res, 400, 'invalid_request_error', s.stopped);
    return false;
  }
  if (s.firstError) {
    const status = s.firstError.status ?? 529;
    res.writeHead(status, { 'content-type': 'application/json' });
    const body = s.firstError.body ?? {
      type: 'error',
      error: { type: 'api_error', message: s.firstError.message },
    };
    res.end(JSON.stringify(body));
    return false;
  }
  return true;
}

/** The request with the attempt's model: model changes are the workflow's. */
function withModel(raw: string, model: string): string {
  try {
    const parsed = JSON.parse(raw) as { model?: string };
    return parsed.model === model ? raw : JSON.stringify({ ...parsed, model });
  } catch {
    // Not JSON: forwarded as it is; the API answers 400, which is classified like any other error.
    return raw;
  }
}

/**
 * Sends the request upstream with the real key. Returns the API's successful answer to relay; answers
 * a failure itself (kept as the attempt's first error when the call was a model call).
 */
async function forward(
  s: ProxyState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: string,
  metered: boolean,
): Promise<{ up: Response; aborted: AbortSignal } | undefined> {
  const headers = new Headers(passHeaders(Object.entries(req.headers), 'request'));
  headers.set('x-api-key', s.options.apiKey);
  headers.set('accept-encoding', 'identity');
  // Claude Code gave up on the request (its timeout) or the attempt ended: stop reading the API's answer.
  const aborted = new AbortController();
  s.inFlight.add(aborted);
  res.on('close', () => {
    aborted.abort();
    s.inFlight.delete(aborted);
  });
  let up: Response;
  try {
    up = await fetch(`${s.upstream}${path}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      signal: aborted.signal,
    });
  } catch (err) {
    if (aborted.signal.aborted || !metered) return void res.destroy();
    s.firstError = {
      kind: 'network',
      headers: new Headers(),
      body: undefined,
      message: String((err as Error).message),
    };
    refuse(res, 502, 'api_error', 'BuildRunner proxy: could not reach the API');
    return undefined;
  }
  if (up.ok) return { up, aborted: aborted.signal };
  const text = await up.text();
  if (metered)
    s.firstError = {
      kind: 'http',
      status: up.status,
      headers: up.headers,
      body: jsonOrText(text),
      message: text.slice(0, 500),
    };
  res.writeHead(up.status, passHeaders(entriesOf(up.headers), 'response'));
  res.end(text);
  return undefined;
}

/**
 * Relays the API's answer chunk by chunk and, for a model call, meters it: the message's id and usage
 * go to onMessage (awaited before the answer ends), an error event inside the stream becomes the first error.
 */
async function meter(
  s: ProxyState,
  res: ServerResponse,
  { up, aborted }: { up: Response; aborted: AbortSignal },
  path: string,
  metered: boolean,
  key: string | undefined,
): Promise<void> {
  res.writeHead(up.status, passHeaders(entriesOf(up.headers), 'response'));
  const isStream = (up.headers.get('content-type') ?? '').includes('text/event-stream');
  const stream = new StreamMeter();
  let json = '';
  const decoder = new TextDecoder();
  const reader = up.body?.getReader();
  try {
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const, value: undefined };
      if (next.done) break;
      const chunk = next.value;
      const text = decoder.decode(chunk, { stream: true });
      if (metered && isStream) stream.push(text);
      else if (metered) json += text;
      // Written after metering, so a broken-off stream's usage is known before Claude Code reacts to it.
      if (!res.destroyed) res.write(chunk);
    }
  } catch (err) {
    // Claude Code closed the connection (its timeout): what was metered so far is still recorded below.
    if (!aborted.aborted) throw err;
  }
  if (metered) {
    const found = isStream ? stream.message : jsonMessage(json, s.options.model);
    if (stream.error && !s.firstError)
      s.firstError = {
        kind: 'stream',
        headers: up.headers,
        body: { type: 'error', error: stream.error },
        message: stream.error.message ?? 'stream error',
      };
    // Billed even when the stream broke off: the input was processed.
    if (found) {
      s.recording = s.options
        .onMessage({ ...found, path, ...(key !== undefined ? { key } : {}) })
        .catch((err: unknown) => {
          s.stopped ??= 'BuildRunner could not record the cost of the last call';
          s.recordFailure ??= err;
        });
      await s.recording;
    }
  }
  res.end();
}

export async function startMeteringProxy(options: ProxyOptions): Promise<MeteringProxy> {
  const s: ProxyState = {
    options,
    upstream: options.upstream.replace(/\/+$/, ''),
    firstError: undefined,
    stopped: undefined,
    recordFailure: undefined,
    inFlight: new Set(),
    recording: Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    handle(s, req, res).catch((err: unknown) => {
      s.firstError ??= { kind: 'network', headers: new Headers(), body: undefined, message: String(err) };
      if (!res.headersSent) refuse(res, 500, 'api_error', 'BuildRunner proxy failed');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    error: () => s.firstError,
    recordFailure: () => s.recordFailure,
    stop: (reason) => void (s.stopped ??= reason),
    close: async () => {
      for (const c of s.inFlight) c.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
