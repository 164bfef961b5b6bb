import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer, preloadServices } from '../../mcp/server';
import { createContext } from '../../services/context';
import { stalledMessage, step, traced } from '../../services/steps';
import { createSimBuildBackend } from '../helpers/sim-builds';
import { exampleRepo } from '../fixtures/mcp/support';

/**
 * When an MCP build call passes its 1.8 s deadline, the message names the step that did not finish
 * and the ones that answered. The slow parties are loopback servers that accept a connection and never
 * say a word (a database, a Temporal server), so nothing here is mocked but the silence.
 */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function connect(repo: string, env: Record<string, string>, sim = false): Promise<Client> {
  const builds = sim ? createSimBuildBackend({ stepMs: 10 * 3600_000 }) : undefined;
  const server = createMcpServer(() => ({
    ...createContext({ cwd: repo, env: { ...process.env, ...env } }),
    ...(builds ? { builds } : {}),
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'br-test', version: '1' });
  await client.connect(clientSide);
  return client;
}

const text = (r: CallToolResult) => (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

describe('a deadline names the step that did not finish', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  // The modules a call loads, loaded first: on a loaded machine their first import alone can pass 1.8 s.
  beforeAll(() => preloadServices(), 60_000);
  beforeEach(async () => (silent = await silentServer()));
  afterEach(() => silent.close());

  it('Temporal: a server that accepts and never answers, after the planning answered', async () => {
    const address = `127.0.0.1:${silent.port}`;
    const client = await connect(exampleRepo(), { TEMPORAL_ADDRESS: address, DATABASE_URL: '' });
    const t0 = performance.now();
    const r = (await client.callTool({
      name: 'br_build_start',
      arguments: { spec: 'PROJECT_SPEC.md', planner: 'heuristic' },
    })) as CallToolResult;
    // The deadline, not the SDK's 5 s connect timeout, ended the call.
    expect(performance.now() - t0).toBeLessThan(4500);
    expect(r.isError).toBe(true);
    expect(text(r)).toContain(
      `Starting the build did not finish within 1.8 s: it is waiting for Temporal at ${address}.`,
    );
    expect(text(r)).toContain('Answered in time: planning the spec (heuristic planner).');
    expect(text(r)).not.toMatch(/database|worker/);
    await client.close();
  }, 30_000);

  it('the database: a finished build reads its gap report, and the database does not answer', async () => {
    const repo = exampleRepo();
    const client = await connect(
      repo,
      { DATABASE_URL: `postgresql://br:br@127.0.0.1:${silent.port}/br`, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      true,
    );
    const started = (await client.callTool({
      name: 'br_build_start',
      arguments: { spec: 'PROJECT_SPEC.md', planner: 'heuristic' },
    })) as CallToolResult;
    const { buildId } = started.structuredContent as { buildId: string };
    const r = (await client.callTool({ name: 'br_build_status', arguments: { buildId } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toContain(
      `Reading build ${buildId} did not finish within 1.8 s: it is waiting for the database at DATABASE_URL.`,
    );
    expect(text(r)).toContain('br doctor');
    // The builds answered (here the simulation, on a real stack Temporal): nothing blames them.
    expect(text(r)).not.toMatch(/Temporal|worker/);
    await client.close();
  }, 30_000);

  it('planning: the last step still open is the one named; the ones that answered are listed', async () => {
    const never = new Promise<never>(() => {});
    const { steps } = traced(async () => {
      await step('Temporal at 127.0.0.1:7233', 'hint', async () => undefined);
      await step('planning the spec (heuristic planner)', 'Pass a plan file.', () => never);
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(stalledMessage('Starting the build', 1.8, steps)).toBe(
      'Starting the build did not finish within 1.8 s: it is waiting for planning the spec (heuristic planner). ' +
        'Pass a plan file. Answered in time: Temporal at 127.0.0.1:7233. The call carries on in the background; calling again is safe.',
    );
    // Outside a traced call, a step only runs its work.
    await expect(step('x', 'y', async () => 7)).resolves.toBe(7);
  });
});
