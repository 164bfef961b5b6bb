import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ContextFactory } from '../context';
import { ok, paginate, run } from '../respond';
import { pageInput, pageOutput } from './shapes';

const totals = {
  calls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheWriteTokens: z.number(),
  cacheReadTokens: z.number(),
  costUsd: z.string(),
};

/** br_costs: the data of `br costs --json`, rows paginated. */
export function registerCostsTool(server: McpServer, context: ContextFactory): void {
  server.registerTool(
    'br_costs',
    {
      title: 'Costs',
      description: 'Claude cost and tokens (exact decimal USD) grouped by model, task, build or day.',
      inputSchema: {
        by: z.enum(['model', 'task', 'build', 'day']).optional(),
        since: z.string().optional().describe('A span (7d, 24h) or a date (2026-11-01)'),
        buildId: z.string().optional(),
        ...pageInput,
      },
      outputSchema: {
        by: z.string(),
        since: z.string().nullable(),
        buildId: z.string().nullable(),
        rows: z.array(z.object({ key: z.string(), ...totals })),
        total: z.object(totals),
        ...pageOutput,
      },
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
  );
}
