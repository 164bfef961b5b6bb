import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ContextFactory } from '../context';
import { ok, paginate, run } from '../respond';
import { pageInput, pageOutput, row } from './shapes';

/** br_plan: the data of `br plan SPEC --json`, with the task list paginated. */
export function registerPlanTool(
  server: McpServer,
  context: ContextFactory,
  tools: Map<string, RegisteredTool>,
): void {
  tools.set(
    'br_plan',
    server.registerTool(
      'br_plan',
      {
        description:
          "Preview a spec's plan: tasks, dependencies, complexity, model, cost range, total forecast. Starts nothing.",
        inputSchema: {
          spec: z.string().describe('Spec path, relative to the project'),
          planner: z.enum(['heuristic', 'claude']).optional().describe('claude: slower, calls Claude'),
          aiEstimate: z.boolean().optional(),
          ...pageInput,
        },
        outputSchema: z.looseObject({
          project: z.string(),
          note: z.string().nullable(),
          tasks: z.array(row('id')),
          forecast: z.looseObject({ low: z.string(), high: z.string() }),
          ...pageOutput,
        }),
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      },
      ({ spec, planner, aiEstimate, offset, limit }) =>
        run(async () => {
          const { planSpec } = await import('../../services/plan');
          // Heuristic unless asked: a Claude plan takes longer than an agent should wait on a tool call.
          const report = await planSpec(await context(), {
            specPath: spec,
            planner: planner ?? 'heuristic',
            aiEstimate,
          });
          const { items, page } = paginate(report.tasks, offset, limit);
          return ok({ ...report, tasks: items, page });
        }),
    ),
  );
}
