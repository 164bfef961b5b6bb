import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ContextFactory } from '../context';
import { ok, paginate, run } from '../respond';
import { pageInput, pageOutput, row } from './shapes';

/** br_costs: the data of `br costs --json`, rows paginated. */
export function registerCostsTool(
  server: McpServer,
  context: ContextFactory,
  tools: Map<string, RegisteredTool>,
): void {
  tools.set(
    'br_costs',
    server.registerTool(
      'br_costs',
      {
        description: 'Claude cost and tokens (exact decimal USD) grouped by model, task, build or day.',
        inputSchema: {
          by: z.enum(['model', 'task', 'build', 'day']).optional(),
          since: z.string().optional().describe('7d, 24h or 2026-11-01'),
          buildId: z.string().optional(),
          ...pageInput,
        },
        outputSchema: z.looseObject({
          rows: z.array(row('key')),
          total: z.looseObject({ costUsd: z.string() }),
          ...pageOutput,
        }),
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      },
      ({ by, since, buildId, offset, limit }) =>
        run(async () => {
          const { costs, parseSince } = await import('../../services/reports');
          const report = await costs(await context(), {
            by: by ?? 'model',
            since: parseSince(since),
            buildId: buildId ?? null,
          });
          const { items, page } = paginate(report.rows, offset, limit);
          return ok({ ...report, rows: items, page });
        }),
    ),
  );
}
