import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SdkUsage } from './sdk';

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

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'accept-encoding',
  'authorization',
  'x-api-key',
]);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => resolve(raw));
    req.on('error', reject);
  });
}

function mergeUsage(a: SdkUsage, b: SdkUsage | undefined): SdkUsage {
  const out = { ...a };
  for (const [k, v] of Object.entries(b ?? {}))
    if (typeof v === 'number') (out as Record<string, number>)[k] = v;
  return out;
}

/** Follows one SSE stream's message_start / message_delta / message_stop / error events. */
class StreamMeter {
  private buffer = '';
  message: { id: string; model: string; usage: SdkUsage } | undefined;
  done = false;
  error: { type?: string; message?: string } | undefined;

  push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) this.onData(data);
    }
  }

  private onData(data: string): void {
    let parsed: {
      type?: string;
      message?: { id: string; model: string; usage: SdkUsage };
      usage?: SdkUsage;
      error?: { type?: string; message?: string };
    };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.type === 'message_start' && parsed.message)
      this.message = {
        id: parsed.message.id,
        model: parsed.message.model,
        usage: parsed.message.usage ?? {},
      };
    else if (parsed.type === 'message_delta' && this.message)
      // The delta's usage is cumulative: it replaces what message_start said.
      this.message.usage = mergeUsage(this.message.usage, parsed.usage);
    else if (parsed.type === 'message_stop') this.done = true;
    else if (parsed.type === 'error') this.error = parsed.error ?? {};
  }
}

/** A call to the model (POST /v1/messages), as opposed to token counting or any other endpoint. */
export function isModelCall(method: string | undefined, path: string): boolean {
  return method === 'POST' && /^\/v1\/messages(\?|$)/.test(path);
}

export async function startMeteringProxy(options: ProxyOptions): Promise<MeteringProxy> {
  let firstError: UpstreamError | undefined;
  let stopped: string | undefined;
  let recordFailure: unknown;
  const inFlight = new Set<AbortController>();
  // The cost of the previous message is recorded (and the limits checked) before the next request goes out.
  let recording: Promise<void> = Promise.resolve();
  const upstream = options.upstream.replace(/\/+$/, '');

  const refuse = (res: ServerResponse, status: number, type: string, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type, message } }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    await recording;
    if (stopped) return refuse(res, 400, 'invalid_request_error', stopped);
    if (firstError) {
      const status = firstError.status ?? 529;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          firstError.body ?? { type: 'error', error: { type: 'api_error', message: firstError.message } },
        ),
      );
      return;
    }
    const path = req.url ?? '/';
    // Model calls: priced, and their failures decide the attempt. Other calls (token counting, …) pass through.
    const metered = isModelCall(req.method, path);
    let body = raw;
    if (metered && raw) {
      try {
        const parsed = JSON.parse(raw) as { model?: string };
        if (parsed.model !== options.model) body = JSON.stringify({ ...parsed, model: options.model });
      } catch {
        // Not JSON: forwarded as it is; the API answers 400, which is classified like any other error.
      }
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers.set(name, value);
    headers.set('x-api-key', options.apiKey);
    headers.set('accept-encoding', 'identity');

    // Claude Code gave up on the request (its timeout) or the attempt ended: stop reading the API's answer.
    const aborted = new AbortController();
    inFlight.add(aborted);
    res.on('close', () => {
      aborted.abort();
      inFlight.delete(aborted);
    });
    let up: Response;
    try {
      up = await fetch(`${upstream}${path}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        signal: aborted.signal,
      });
    } catch (err) {
      if (aborted.signal.aborted || !metered) return void res.destroy();
      firstError = {
        kind: 'network',
        headers: new Headers(),
        body: undefined,
        message: String((err as Error).message),
      };
      return refuse(res, 502, 'api_error', 'BuildRunner proxy: could not reach the API');
    }
    const responseHeaders: Record<string, string> = {};
    up.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name))
        responseHeaders[name] = value;
    });
    if (!up.ok) {
      const text = await up.text();
      if (!metered) {
        res.writeHead(up.status, responseHeaders);
        res.end(text);
        return;
      }
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // kept as text
      }
      firstError = {
        kind: 'http',
        status: up.status,
        headers: up.headers,
        body: parsed,
        message: text.slice(0, 500),
      };
      res.writeHead(up.status, responseHeaders);
      res.end(text);
      return;
    }
    res.writeHead(up.status, responseHeaders);
    const isStream = (up.headers.get('content-type') ?? '').includes('text/event-stream');
    const meter = new StreamMeter();
    let json = '';
    const decoder = new TextDecoder();
    const reader = up.body?.getReader();
    try {
      for (;;) {
        const next = reader ? await reader.read() : { done: true as const, value: undefined };
        if (next.done) break;
        const chunk = next.value;
        const text = decoder.decode(chunk, { stream: true });
        if (metered && isStream) meter.push(text);
        else if (metered) json += text;
        // Written after metering, so a broken-off stream's usage is known before Claude Code reacts to it.
        if (!res.destroyed) res.write(chunk);
      }
    } catch (err) {
      // Claude Code closed the connection (its timeout): what was metered so far is still recorded below.
      if (!aborted.signal.aborted) throw err;
    }
    if (metered) {
      let message: ProxiedMessage | undefined;
      if (isStream && meter.message) message = { ...meter.message, path };
      else if (!isStream) {
        try {
          const m = JSON.parse(json) as { id?: string; model?: string; usage?: SdkUsage };
          if (m.id && m.usage) message = { id: m.id, model: m.model ?? options.model, usage: m.usage, path };
        } catch {
          // not a message
        }
      }
      if (meter.error && !firstError)
        firstError = {
          kind: 'stream',
          headers: up.headers,
          body: { type: 'error', error: meter.error },
          message: meter.error.message ?? 'stream error',
        };
      // Billed even when the stream broke off: the input was processed.
      if (message) {
        recording = options.onMessage(message).catch((err: unknown) => {
          stopped ??= 'BuildRunner could not record the cost of the last call';
          recordFailure ??= err;
        });
        await recording;
      }
    }
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      firstError ??= { kind: 'network', headers: new Headers(), body: undefined, message: String(err) };
      if (!res.headersSent) refuse(res, 500, 'api_error', 'BuildRunner proxy failed');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    error: () => firstError,
    recordFailure: () => recordFailure,
    stop: (reason) => void (stopped ??= reason),
    close: async () => {
      for (const c of inFlight) c.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
