import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';
import { MAX_RESPONSE_BYTES } from '../../mcp/respond';
import { exampleRepo } from '../fixtures/mcp/support';
import { exited, spawnBr, waitForStderr } from '../fixtures/mcp/spawn';

const CALL_BUDGET_MS = 2000;
// No Temporal here on purpose: a refused connection must come back as an error result, quickly.
const env = { DATABASE_URL: '', TEMPORAL_ADDRESS: '127.0.0.1:1' };

interface RpcResponse {
  jsonrpc: string;
  id: number;
  result?: Record<string, unknown>;
  error?: unknown;
}

/** A hand-rolled JSON-RPC client over the child's pipes, so every byte on stdout is seen. */
function rpc(child: ChildProcessWithoutNullStreams) {
  let stdout = '';
  let nextId = 1;
  const waiting = new Map<number, (r: RpcResponse) => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    for (const line of lines.slice(0, -1)) {
      try {
        const message = JSON.parse(line) as RpcResponse;
        waiting.get(message.id)?.(message);
      } catch {
        // Not JSON: the purity assertion below reports it.
      }
    }
    stdout = lines.at(-1)!;
  });
  let all = '';
  child.stdout.on('data', (chunk: Buffer) => (all += chunk.toString()));
  return {
    output: () => all,
    notify: (method: string) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`),
    async request(method: string, params: unknown = {}) {
      const id = nextId++;
      const started = performance.now();
      const response = new Promise<RpcResponse>((resolve) => waiting.set(id, resolve));
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      const message = await response;
      return { message, ms: performance.now() - started, bytes: Buffer.byteLength(JSON.stringify(message)) };
    },
  };
}

describe('a spawned `br mcp serve`', () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('speaks JSON-RPC only on stdout, answers every call within 2 s, and stops when stdin closes', async () => {
    const repo = exampleRepo();
    // A project in use has its database; creating one (first use ever) is a one-time cost outside the budget.
    const db = await openDatabase({ kind: 'pglite', dataDir: path.join(repo, '.buildrunner', 'db') });
    await migrate(db);
    await db.close();
    const child = spawnBr(['mcp', 'serve'], {
      cwd: repo,
      env,
      nodeArgs: ['--require', path.join(__dirname, '../fixtures/mcp/noisy-stdout.cjs')],
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitForStderr(child, /ready on stdio/);
    const client = rpc(child);
    const init = await client.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'br-test', version: '1' },
    });
    expect(init.message.result).toMatchObject({ serverInfo: { name: 'buildrunner' } });
    client.notify('notifications/initialized');

    const requests: [string, string, Record<string, unknown>?][] = [
      ['list', 'tools/list'],
      [
        'plan',
        'tools/call',
        { name: 'br_plan', arguments: { spec: 'PROJECT_SPEC.md', planner: 'heuristic' } },
      ],
      ['costs', 'tools/call', { name: 'br_costs', arguments: { by: 'model' } }],
      ['costs again', 'tools/call', { name: 'br_costs', arguments: { by: 'day' } }],
      [
        'feature',
        'tools/call',
        { name: 'br_feature', arguments: { action: 'add', id: 'login', title: 'Login' } },
      ],
      ['start', 'tools/call', { name: 'br_build_start', arguments: { spec: 'PROJECT_SPEC.md' } }],
      [
        'status',
        'tools/call',
        { name: 'br_build_status', arguments: { buildId: 'build-todo-api-00000000' } },
      ],
      ['STATUS.md', 'resources/read', { uri: 'br://status' }],
    ];
    const calls = [];
    for (const [name, method, params] of requests)
      calls.push({ name, ...(await client.request(method, params)) });
    expect(calls.filter((c) => c.message.error).map((c) => c.name)).toEqual([]);
    expect(
      calls.filter((c) => c.ms >= CALL_BUDGET_MS).map((c) => `${c.name}: ${Math.round(c.ms)} ms`),
    ).toEqual([]);
    for (const call of calls) expect(call.bytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(calls[0]!.bytes).toBeLessThanOrEqual(6000 + 100);
    expect(calls[1]!.message.result).toMatchObject({ structuredContent: { project: 'todo-api' } });
    expect(calls[2]!.message.result).toMatchObject({ structuredContent: { by: 'model', rows: [] } });
    expect(calls[5]!.message.result).toMatchObject({ isError: true });
    // The deadline names the step that did not finish, and the one that answered.
    const startError = JSON.stringify(calls[5]!.message.result);
    expect(startError).toContain('did not finish within 1.8 s: it is waiting for Temporal at 127.0.0.1:1.');
    expect(startError).toContain('Answered in time: planning the spec (heuristic planner).');
    expect(startError).not.toContain('database');

    child.stdin.end();
    expect(await exited(child)).toBe(0);
    const lines = client.output().split('\n').filter(Boolean);
    expect(lines.length).toBe(calls.length + 1);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    // The noise went somewhere a client shows as a log, not into the protocol.
    expect(stderr).toContain('noise from console.log');
    expect(stderr).toContain('noise from process.stdout.write');
  }, 100_000);

  it('serves Streamable HTTP on 127.0.0.1 only, and refuses a foreign Host header', async () => {
    const repo = exampleRepo();
    const child = spawnBr(['mcp', 'serve', '--http', '--port', '0'], { cwd: repo, env });
    children.push(child);
    try {
      const [, url] = await waitForStderr(child, /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
      const client = new Client({ name: 'br-test', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
      expect((await client.listTools()).tools).toHaveLength(6);
      const started = performance.now();
      const plan = await client.callTool({
        name: 'br_plan',
        arguments: { spec: 'PROJECT_SPEC.md', planner: 'heuristic' },
      });
      expect(performance.now() - started).toBeLessThan(CALL_BUDGET_MS);
      expect(plan.structuredContent).toMatchObject({ project: 'todo-api' });
      await client.close();

      // fetch() will not send a Host header of our choosing; node:http will.
      const rebindingStatus = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(url!, {
          method: 'POST',
          headers: {
            host: 'attacker.example',
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
      });
      expect(rebindingStatus).toBe(403);

      const port = new URL(url!).port;
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) {
        await expect(fetch(`http://${external.address}:${port}/mcp`, { method: 'POST' })).rejects.toThrow();
      } else {
        console.warn(
          'serve.test.ts: no non-loopback IPv4 interface here, so "not reachable from outside" was not tried.',
        );
      }
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  }, 100_000);
});
