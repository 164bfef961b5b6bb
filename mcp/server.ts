import { existsSync } from 'node:fs';
import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { packageVersion } from '../services/paths';
import type { ContextFactory } from './context';
import { compactToolList } from './listing';
import { registerResources } from './resources';
import { registerBuildTools } from './tools/builds';
import { registerFeatureTool } from './tools/feature';
import { registerPlanTool } from './tools/plan';
import { registerCostsTool } from './tools/reports';

export type { ContextFactory } from './context';

/** Read by the client once, at initialize: how to use the six tools without ever waiting on a build. */
export const INSTRUCTIONS = `BuildRunner runs a spec as a durable build of coding tasks.
Protocol: br_plan to preview (read-only) -> br_build_start returns a build id at once (repeat calls with the same spec/base or clientKey return the same build; once it ended, its outcome, and nothing starts unless rebuild: true) -> poll br_build_status every 30-60 s (concise; PLANNING first while Claude plans) until status is SUCCEEDED, PARTIAL, FAILED, CANCELLED or BUDGET_EXHAUSTED -> br_build_control to pause, resume, cancel or raise_budget, or to continue an ended FAILED, PARTIAL, BUDGET_EXHAUSTED or CANCELLED build (merged tasks kept). No call waits for a build. Lists are paged: pass page.nextOffset as offset. Logs, diffs, the gap report and STATUS.md are resources linked from results.`;

/** The MCP front end: six tools over the same service functions as the CLI's --json, plus resources for what is large. */
export function createMcpServer(context: ContextFactory): McpServer {
  const server = new McpServer(
    { name: 'buildrunner', version: packageVersion() },
    { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: {} } },
  );
  const tools = new Map<string, RegisteredTool>();
  registerPlanTool(server, context, tools);
  registerBuildTools(server, context, tools);
  registerCostsTool(server, context, tools);
  registerFeatureTool(server, context, tools);
  compactToolList(server, tools);
  registerResources(server, context);
  return server;
}

/**
 * Loads every module a tool reaches before the first request, so a call's time is its own work and not
 * the one-time import of the planner, the database driver or the Temporal client.
 */
export async function preloadServices(): Promise<void> {
  await Promise.all([
    import('../services/plan').then((plan) => plan.preloadPlanner()),
    import('../services/build-start'),
    import('../services/builds'),
    import('../services/reports'),
    import('../services/features'),
    import('../lib/features/status-md'),
  ]);
}

/**
 * Before serving: load the modules, and bring an existing database up to date, so the first br_costs
 * call is as quick as the rest. A project without a database gets none until something needs it (the
 * first br_costs creates it, as `br costs` would). A database that cannot be opened now is reported
 * on stderr; the tool that needs it will say why when it is called.
 */
export async function warmUp(context: ContextFactory): Promise<void> {
  await preloadServices();
  try {
    const ctx = await context();
    const { resolveDatabaseTarget, withDatabase } = await import('../services/context');
    const target = resolveDatabaseTarget(ctx);
    if (target.kind === 'pglite' && (!target.dataDir || !existsSync(target.dataDir))) return;
    await withDatabase(ctx, () => Promise.resolve());
  } catch (err) {
    process.stderr.write(
      `BuildRunner MCP: database not ready (${err instanceof Error ? err.message : String(err)})\n`,
    );
  }
}
