import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../mcp/server';
import { createContext, type ServiceContext } from '../../services/context';

export const example = path.join(__dirname, '../../examples/todo-api');

/** The example project in a fresh git repository with a committed main branch. */
export function exampleRepo(config: Record<string, unknown> = { project: 'todo-api' }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'br-mcp-'));
  cpSync(example, dir, { recursive: true });
  writeFileSync(path.join(dir, 'buildrunner.config.json'), JSON.stringify(config));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'example');
  return dir;
}

/** An MCP client talking to createMcpServer over the SDK's in-memory transport. */
export async function connectInMemory(cwd: string, services: Partial<ServiceContext> = {}): Promise<Client> {
  const server = createMcpServer(() => ({
    ...createContext({ cwd, env: { ...process.env, DATABASE_URL: undefined } }),
    ...services,
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'br-test', version: '1' });
  await client.connect(clientSide);
  return client;
}

export interface Timed {
  result: CallToolResult;
  ms: number;
  bytes: number;
}

/** Calls a tool and measures what the issue budgets: wall time and the size of the whole response. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Timed> {
  const started = performance.now();
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const ms = performance.now() - started;
  return { result, ms, bytes: Buffer.byteLength(JSON.stringify(result)) };
}

/** The structured data of a successful call, without the page (the CLI prints whole lists). */
export function data(timed: Timed): Record<string, unknown> {
  if (timed.result.isError) throw new Error(`tool failed: ${JSON.stringify(timed.result.content)}`);
  const { page: _page, ...rest } = timed.result.structuredContent as Record<string, unknown>;
  return rest;
}
