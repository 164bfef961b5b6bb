import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted Anthropic-compatible Messages API on 127.0.0.1 (random port) for driving the real
 * `@anthropic-ai/sdk` in tests: point the client's `baseURL` at `server.url`.
 *
 *   const server = await startFakeAnthropic();
 *   server.enqueue(toolUse('write_file', { path: 'a.ts', content: '…' }), reply('done'));
 *   … run code with baseURL = server.url …
 *   expect(server.requests[0].body.model).toBe('claude-sonnet-5-5');
 *   await server.close();
 *
 * Requests with `stream: true` are answered with server-sent events (as the API streams), others with
 * one JSON message; error steps are plain JSON error responses either way, as the API sends them before
 * a stream starts. Each POST /v1/messages takes the next step from the queue. An empty queue answers 500 with
 * "fake server: script exhausted", so an unexpected extra call fails the test loudly. Every request
 * is recorded with its headers and parsed body (SDK 1.12 sends the key as `authorization: Bearer …`).
 */

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type FakeBlock =
  | { type: 'text'; text: string }
  /** `input` may be any JSON value (a string or a wrong shape) to script malformed tool input. */
  | { type: 'tool_use'; id?: string; name: string; input: unknown };

export interface MessageStep {
  kind: 'message';
  content: FakeBlock[];
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal';
  usage?: Partial<FakeUsage>;
  /** Defaults to `msg_fake_<n>`; script the same id twice to simulate a replayed call. */
  id?: string;
  /** Defaults to the requested model. */
  model?: string;
  /** Streaming requests only: the stream breaks off after the first block with this `error` event. */
  streamError?: { type: string; message: string };
}

export interface ErrorStep {
  kind: 'error';
  status: number;
  type: string;
  message: string;
  errorCode?: string;
  headers?: Record<string, string>;
}

export type Step =
  | MessageStep
  | ErrorStep
  /** Waits `ms` before answering with `then` (a response slower than the client timeout). */
  | { kind: 'delay'; ms: number; then: Step }
  /** Computes the step from the request, e.g. to echo what the model was sent. */
  | { kind: 'dynamic'; respond: (request: RecordedRequest) => Step };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface FakeAnthropic {
  /** Base URL for the SDK (`new Anthropic({ baseURL: server.url })`). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  enqueue(...steps: Step[]): void;
  /** Steps not yet consumed. */
  pending(): number;
  close(): Promise<void>;
}

// ---- step builders -----------------------------------------------------------------------------

export function reply(text: string, options: Omit<MessageStep, 'kind' | 'content'> = {}): MessageStep {
  return { kind: 'message', content: [{ type: 'text', text }], stopReason: 'end_turn', ...options };
}

export function toolUse(
  name: string,
  input: unknown,
  options: Omit<MessageStep, 'kind' | 'content'> & { text?: string } = {},
): MessageStep {
  return toolCalls([{ name, input }], options);
}

export function toolCalls(
  calls: { name: string; input: unknown; id?: string }[],
  { text, ...options }: Omit<MessageStep, 'kind' | 'content'> & { text?: string } = {},
): MessageStep {
  const blocks: FakeBlock[] = calls.map((c) => ({ type: 'tool_use', ...c }));
  return {
    kind: 'message',
    content: text ? [{ type: 'text', text }, ...blocks] : blocks,
    stopReason: 'tool_use',
    ...options,
  };
}

export function apiError(
  status: number,
  type: string,
  message: string,
  extra: Partial<ErrorStep> = {},
): ErrorStep {
  return { kind: 'error', status, type, message, ...extra };
}

export const errors = {
  rateLimited: (retryAfterSeconds: number) =>
    apiError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  /** A monthly spend cap: 429 with no retry-after. */
  rateLimitedNoRetryAfter: () =>
    apiError(429, 'rate_limit_error', 'You have reached your specified API usage limits.'),
  overloaded: () => apiError(529, 'overloaded_error', 'Overloaded'),
  serverError: () => apiError(500, 'api_error', 'Internal server error'),
  promptTooLong: () =>
    apiError(400, 'invalid_request_error', 'prompt is too long: 1000123 tokens > 1000000 maximum'),
  spendLimit: () =>
    apiError(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.', {
      errorCode: 'enforced_spend_limit_reached',
    }),
  invalidRequest: () => apiError(400, 'invalid_request_error', 'messages: field required'),
  unauthorized: () => apiError(401, 'authentication_error', 'invalid x-api-key'),
  forbidden: () =>
    apiError(403, 'permission_error', 'Your API key does not have permission to use this model'),
  slow: (ms: number, then: Step = reply('too late')) => ({ kind: 'delay' as const, ms, then }),
};

// ---- the server ----------------------------------------------------------------------------------

const DEFAULT_USAGE: FakeUsage = {
  input_tokens: 100,
  output_tokens: 50,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let counter = 0;

  const send = (res: ServerResponse, request: RecordedRequest, step: Step): void => {
    if (step.kind === 'dynamic') return send(res, request, step.respond(request));
    if (step.kind === 'delay') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, request, step.then);
      }, step.ms);
      timers.add(timer);
      return;
    }
    if (step.kind === 'error') {
      const error: Record<string, unknown> = { type: step.type, message: step.message };
      if (step.errorCode) error.details = { error_code: step.errorCode };
      res.writeHead(step.status, {
        'content-type': 'application/json',
        'request-id': `req_fake_${counter}`,
        ...step.headers,
      });
      res.end(JSON.stringify({ type: 'error', error }));
      return;
    }
    counter += 1;
    const content = step.content.map((b, i) =>
      b.type === 'tool_use'
        ? { type: 'tool_use', id: b.id ?? `toolu_fake_${counter}_${i}`, name: b.name, input: b.input }
        : b,
    );
    const message = {
      id: step.id ?? `msg_fake_${counter}`,
      type: 'message',
      role: 'assistant',
      model: step.model ?? request.body?.model ?? 'unknown',
      content,
      stop_reason: step.stopReason ?? 'end_turn',
      stop_sequence: null,
      usage: { ...DEFAULT_USAGE, ...step.usage },
    };
    if (request.body?.stream === true) return sendStream(res, message, step.streamError);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake_${counter}` });
    res.end(JSON.stringify(message));
  };

  /**
   * The message as server-sent events, the way the API streams it: message_start carries the input and
   * cache usage (output 1), one start/delta/stop per block (tool input as one input_json_delta), then
   * message_delta with the stop reason and the final cumulative usage, then message_stop. With
   * `streamError` the stream breaks off after the first block with an `error` event (HTTP 200 already sent).
   */
  const sendStream = (
    res: ServerResponse,
    message: { content: ({ type: string } & Record<string, unknown>)[]; usage: FakeUsage } & Record<
      string,
      unknown
    >,
    streamError?: { type: string; message: string },
  ): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'request-id': `req_fake_${counter}`,
    });
    const event = (type: string, data: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const { content, usage, stop_reason, stop_sequence, ...rest } = message;
    event('message_start', {
      message: {
        ...rest,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    for (const [index, block] of content.entries()) {
      if (block.type === 'tool_use') {
        event('content_block_start', { index, content_block: { ...block, input: {} } });
        event('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
      } else {
        event('content_block_start', { index, content_block: { type: 'text', text: '' } });
        event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
      }
      event('content_block_stop', { index });
      if (streamError) {
        event('error', { error: streamError });
        res.end();
        return;
      }
    }
    event('message_delta', { delta: { stop_reason, stop_sequence }, usage });
    event('message_stop', {});
    res.end();
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = null;
      }
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody: raw,
        body,
      };
      requests.push(request);
      if (req.method !== 'POST' || !request.path.startsWith('/v1/messages')) {
        return send(
          res,
          request,
          apiError(404, 'not_found_error', `fake server: no route ${req.method} ${request.path}`),
        );
      }
      const step = queue.shift() ?? apiError(500, 'api_error', 'fake server: script exhausted');
      send(res, request, step);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...steps) => void queue.push(...steps),
    pending: () => queue.length,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
