import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { normalizeObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * tools/list is paid for in the client's context on every turn, so it is kept under 6,000 bytes: the
 * same JSON Schemas the SDK derives from the tools' zod schemas, without the per-schema `$schema` URI
 * and the default `execution` block (tasks are not supported, which is what their absence means), and
 * `additionalProperties: {}` (allowing any extra property is already what JSON Schema does by default).
 * Calls are still validated by the SDK against the zod schemas.
 */
export function compactToolList(server: McpServer, tools: Map<string, RegisteredTool>): void {
  const schema = (s: RegisteredTool['inputSchema'], pipeStrategy: 'input' | 'output') => {
    const object = normalizeObjectSchema(s);
    if (!object) return undefined;
    const { $schema: _uri, ...json } = toJsonSchemaCompat(object, { strictUnions: true, pipeStrategy });
    return withoutOpenObjects(json) as Tool['inputSchema'];
  };
  const list = (): Tool[] =>
    [...tools].map(([name, tool]) => ({
      name,
      title: tool.title,
      description: tool.description,
      inputSchema: schema(tool.inputSchema, 'input') ?? { type: 'object' },
      ...(tool.outputSchema ? { outputSchema: schema(tool.outputSchema, 'output') } : {}),
      annotations: tool.annotations,
    }));
  server.server.removeRequestHandler('tools/list');
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: list() }));
}

function withoutOpenObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOpenObjects);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const open =
      key === 'additionalProperties' && typeof v === 'object' && v !== null && Object.keys(v).length === 0;
    if (!open) out[key] = withoutOpenObjects(v);
  }
  return out;
}
