import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ContextFactory } from '../context';
import { ok, paginate, run } from '../respond';
import { pageInput, pageOutput, row } from './shapes';

/** br_feature: `br feature list|add|complete|remove` on .buildrunner/features.json, the same lib functions. */
export function registerFeatureTool(
  server: McpServer,
  context: ContextFactory,
  tools: Map<string, RegisteredTool>,
): void {
  tools.set(
    'br_feature',
    server.registerTool(
      'br_feature',
      {
        description:
          '.buildrunner/features.json: list (paged), add (id, title), set_status (ids, status), remove (id).',
        inputSchema: {
          action: z.enum(['list', 'add', 'set_status', 'remove']),
          id: z.string().optional(),
          ids: z.array(z.string()).optional(),
          title: z.string().optional(),
          description: z.string().optional(),
          required: z.boolean().optional(),
          tasks: z.array(z.string()).optional(),
          status: z.enum(['planned', 'in_progress', 'complete']).optional(),
          ...pageInput,
        },
        outputSchema: z.looseObject({
          features: z.array(row('id')).optional().describe('list; set_status: the changed ones'),
          feature: row('id').optional().describe('add; remove: the removed one'),
          page: pageOutput.page.optional(),
        }),
        annotations: {
          readOnlyHint: false,
          destructiveHint: true,
          idempotentHint: false,
          openWorldHint: false,
        },
      },
      (args) =>
        run(async () => {
          const [store, { projectRoot }, { UserError }, ctx] = await Promise.all([
            import('../../services/features'),
            import('../../services/project-root'),
            import('../../lib/errors'),
            context(),
          ]);
          const root = projectRoot(ctx.cwd);
          const need = <T>(value: T | undefined, name: string): T => {
            if (value === undefined) throw new UserError(`${args.action} needs ${name}.`);
            return value;
          };
          switch (args.action) {
            case 'list': {
              const { items, page } = paginate(store.readFeatures(root).features, args.offset, args.limit);
              return ok({ features: items, page });
            }
            case 'add':
              return ok({
                feature: store.addFeature(root, {
                  id: need(args.id, 'id'),
                  title: need(args.title, 'title'),
                  description: args.description,
                  required: args.required ?? false,
                  tasks: args.tasks ?? [],
                }),
              });
            case 'set_status':
              return ok({
                features: store.setFeatureStatus(
                  root,
                  args.ids ?? [need(args.id, 'id or ids')],
                  need(args.status, 'status'),
                ),
              });
            case 'remove':
              return ok({ feature: store.removeFeature(root, need(args.id, 'id')) });
          }
        }),
    ),
  );
}
