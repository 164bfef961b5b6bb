import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ContextFactory } from '../context';
import { ok, paginate, run } from '../respond';
import { pageInput, pageOutput } from './shapes';

/** br_plan: the data of `br plan SPEC --json`, with the task list paginated. */
export function registerPlanTool(server: McpServer, context: ContextFactory): void {
  server.registerTool(
    'br_plan',
    {
      title: 'Plan a spec',
      description:
        'Preview the plan for a spec: tasks, dependencies, complexity, model and cost range per task, total forecast. Starts nothing.',
      inputSchema: {
        spec: z.string().describe('Spec path, relative to the project'),
        planner: z.enum(['heuristic', 'claude']).optional().describe('Default: claude with an API key, else heuristic'),
        aiEstimate: z.boolean().optional(),
        ...pageInput,
      },
      outputSchema: {
        project: z.string(),
        specPath: z.string(),
        planner: z.string(),
        estimator: z.string(),
        note: z.string().nullable(),
        tasks: z.array(
          z.looseObject({ id: z.string(), title: z.string(), dependsOn: z.array(z.string()), model: z.string() }),
        ),
        forecast: z.object({ low: z.string(), high: z.string(), assumptions: z.string() }),
        spentUsd: z.string(),
        priceTableVersion: z.string(),
        ...pageOutput,
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ spec, planner, aiEstimate, offset, limit }) =>
      run(async () => {
        const { planSpec } = await import('../../services/plan');
        const report = await planSpec(await context(), { specPath: spec, planner, aiEstimate });
        const { items, page } = paginate(report.tasks, offset, limit);
        return ok({ ...report, tasks: items, page });
      }),
  );
}
