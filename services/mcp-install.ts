import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../lib/errors';
import type { ServiceContext } from './context';

/**
 * `br mcp install`: merge BuildRunner's MCP server into a coding agent's configuration file. Only the
 * `mcpServers.buildrunner` entry is written; every other key and server stays as it was. A file that is
 * not valid JSON, or whose `mcpServers` is not an object, is refused and left untouched.
 */
export const MCP_CLIENTS = ['claude-code', 'cursor'] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];
export const MCP_SCOPES = ['project', 'user'] as const;
export type McpScope = (typeof MCP_SCOPES)[number];

export const SERVER_NAME = 'buildrunner';

export interface McpInstallResult {
  client: McpClient;
  scope: McpScope;
  file: string;
  server: string;
  action: 'created' | 'added' | 'updated' | 'unchanged';
}

/** Where each client reads its servers (Claude Code: .mcp.json / ~/.claude.json; Cursor: .cursor/mcp.json). */
export function mcpConfigFile(client: McpClient, scope: McpScope, root: string, home: string): string {
  if (client === 'claude-code')
    return scope === 'project' ? path.join(root, '.mcp.json') : path.join(home, '.claude.json');
  return path.join(scope === 'project' ? root : home, '.cursor', 'mcp.json');
}

export function serverEntry(client: McpClient): Record<string, unknown> {
  const launch = { command: 'br', args: ['mcp', 'serve'] };
  return client === 'claude-code' ? { type: 'stdio', ...launch, env: {} } : launch;
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function installMcpServer(
  ctx: Pick<ServiceContext, 'root' | 'env'>,
  options: { client: McpClient; scope?: McpScope },
): McpInstallResult {
  const scope = options.scope ?? 'project';
  const home = ctx.env.HOME || os.homedir();
  const file = mcpConfigFile(options.client, scope, ctx.root, home);
  const shown = scope === 'project' ? path.relative(ctx.root, file) : file;
  const entry = serverEntry(options.client);
  const result = (action: McpInstallResult['action']): McpInstallResult => ({
    client: options.client,
    scope,
    file: shown,
    server: SERVER_NAME,
    action,
  });

  if (!existsSync(file)) {
    write(file, { mcpServers: { [SERVER_NAME]: entry } }, '  ');
    return result('created');
  }
  const text = readFileSync(file, 'utf8');
  let config: unknown;
  try {
    config = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${shown} is not valid JSON (${(err as Error).message}), so it was left as it is. Fix or move the file, then run br mcp install again.`,
    );
  }
  if (!isObject(config) || (config.mcpServers !== undefined && !isObject(config.mcpServers)))
    throw new UserError(
      `${shown} does not hold a JSON object with an "mcpServers" object, so it was left as it is. Fix the file, then run br mcp install again.`,
    );
  const servers = config.mcpServers ?? {};
  const existing = servers[SERVER_NAME];
  if (JSON.stringify(existing) === JSON.stringify(entry)) return result('unchanged');
  config.mcpServers = { ...servers, [SERVER_NAME]: entry };
  write(file, config, indentOf(text));
  return result(existing === undefined ? 'added' : 'updated');
}

/** Keep the file's own indentation, so the diff a user reviews is only our entry. */
function indentOf(text: string): string {
  const match = /\n([ \t]+)"/.exec(text);
  return match ? match[1]! : '  ';
}

function write(file: string, value: unknown, indent: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.br-tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, indent)}\n`);
  renameSync(tmp, file);
}
