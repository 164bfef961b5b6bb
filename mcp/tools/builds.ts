import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { positiveUsdSchema } from '../../lib/usd-schema';
import type { BuildStatusReport } from '../../services/build-status';
import type { ContextFactory } from '../context';
import { buildLinks } from '../resources';
import { ok, paginate, run, withDeadline } from '../respond';
import { pageInput, pageOutput, row } from './shapes';

const money = z.string();

/**
 * Every build call answers within this, whatever Temporal, a worker or the database does: an unreachable
 * server would otherwise take the SDK's 5 s connect timeout, and a progress query waits for a worker
 * that may not be running. The message names the step that did not finish (services/steps.ts) and
 * never the ones that answered. Work still in flight carries on; starts are idempotent, so asking
 * again is safe.
 */
const DEADLINE_MS = 1800;

async function withinDeadline<T>(work: () => Promise<T>, what: string): Promise<T> {
  const { traced, stalledMessage } = await import('../../services/steps');
  const { result, steps } = traced(work);
  return withDeadline(result, DEADLINE_MS, () => stalledMessage(what, DEADLINE_MS / 1000, steps));
}

export function registerBuildTools(
  server: McpServer,
  context: ContextFactory,
  tools: Map<string, RegisteredTool>,
): void {
  tools.set(
    'br_build_start',
    server.registerTool(
      'br_build_start',
      {
        description:
          'Start a build; returns its id at once. Same spec+base or clientKey: same build (if ended: outcome; rerun: rebuild)',
        inputSchema: {
          spec: z.string(),
          budgetUsd: positiveUsdSchema().optional().describe('USD, default from config'),
          parallel: z.number().int().min(1).optional(),
          base: z.string().optional().describe('Base branch, default main'),
          planner: z
            .enum(['heuristic', 'claude'])
            .optional()
            .describe('Default: claude if a key is set, else heuristic'),
          aiEstimate: z.boolean().optional(),
          clientKey: z.string().max(200).optional(),
          rebuild: z.boolean().optional(),
        },
        outputSchema: z.looseObject({
          buildId: z.string(),
          attached: z.boolean(),
          budgetUsd: money,
        }),
        annotations: {
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: false,
        },
      },
      (args) =>
        run(async () => {
          const { startBuildFromSpec } = await import('../../services/build-start');
          const ctx = await context();
          const { summary } = await withinDeadline(
            () =>
              startBuildFromSpec(ctx, {
                specPath: args.spec,
                budgetUsd: args.budgetUsd,
                parallel: args.parallel,
                baseBranch: args.base ?? 'main',
                ...(args.planner ? { planner: args.planner } : {}),
                estimator: args.aiEstimate ? 'ai' : 'heuristic',
                ...(args.clientKey ? { clientKey: args.clientKey } : {}),
                ...(args.rebuild ? { rebuild: true } : {}),
              }),
            'Starting the build',
          );
          return ok(summary, buildLinks(summary.buildId));
        }),
    ),
  );

  tools.set(
    'br_build_status',
    server.registerTool(
      'br_build_status',
      {
        description:
          'No buildId: list builds. Else status, counts, budget, active tasks (concise) or all tasks (detailed, paged).',
        inputSchema: {
          buildId: z.string().optional(),
          detail: z.enum(['concise', 'detailed']).optional(),
          ...pageInput,
        },
        outputSchema: z.looseObject({
          status: z.string().optional(),
          budget: z.looseObject({ leftUsd: money }).optional(),
          active: z.array(row('id')).optional(),
          tasks: z.array(row('id')).optional(),
          builds: z.array(row('workflowId')).optional(),
          page: pageOutput.page.optional(),
        }),
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      },
      ({ buildId, detail, offset, limit }) =>
        run(async () => {
          const [{ buildBackend }, ctx] = await Promise.all([
            import('../../services/build-backend'),
            context(),
          ]);
          const backend = buildBackend(ctx);
          if (!buildId) {
            const builds = await withinDeadline(() => backend.list(ctx, {}), 'Listing builds');
            const { items, page } = paginate(builds, offset, limit);
            return ok({ builds: items, page });
          }
          const { buildStatus } = await import('../../services/build-status');
          const progress = await withinDeadline(() => buildStatus(ctx, buildId), `Reading build ${buildId}`);
          if (detail === 'detailed') {
            const { items, page } = paginate(progress.tasks, offset, limit);
            return ok({ ...progress, tasks: items, page }, buildLinks(buildId));
          }
          return ok(concise(progress), buildLinks(buildId));
        }),
    ),
  );

  tools.set(
    'br_build_control',
    server.registerTool(
      'br_build_control',
      {
        description:
          'pause (tasks finish), resume, cancel, raise_budget (usd), approve|reject (reason, requestId) a waiting gate, continue (ended)',
        inputSchema: {
          buildId: z.string(),
          action: z.enum(['pause', 'resume', 'cancel', 'raise_budget', 'approve', 'reject', 'continue']),
          usd: positiveUsdSchema('5 or 12.50').optional(),
          reason: z.string().optional(),
          requestId: z.string().optional(),
        },
        outputSchema: z.looseObject({ workflowId: z.string(), webUiUrl: z.string() }),
        annotations: {
          readOnlyHint: false,
          destructiveHint: true,
          idempotentHint: false,
          openWorldHint: false,
        },
      },
      ({ buildId, action, usd, reason, requestId }) =>
        run(async () => {
          if (action === 'approve' || action === 'reject') {
            const [{ answerApproval }, ctx] = await Promise.all([
              import('../../services/build-approval'),
              context(),
            ]);
            const defined = {
              ...(reason === undefined ? {} : { reason }),
              ...(requestId === undefined ? {} : { requestId }),
            };
            const answer = await withinDeadline(
              () => answerApproval(ctx, buildId, action, defined),
              `The ${action}`,
            );
            return ok({ ...answer, webUiUrl: answer.webUiUrl ?? '' }, buildLinks(buildId));
          }
          if (action === 'continue') {
            const [{ continueBuild }, cctx] = await Promise.all([
              import('../../services/build-continue'),
              context(),
            ]);
            const request = { buildId, ...(usd ? { budgetUsd: usd } : {}) };
            const result = await withinDeadline(() => continueBuild(cctx, request), 'Continuing the build');
            return ok({ workflowId: result.buildId, ...result, webUiUrl: result.webUiUrl ?? '' });
          }
          const [{ buildBackend }, ctx] = await Promise.all([
            import('../../services/build-backend'),
            context(),
          ]);
          const backend = buildBackend(ctx);
          if (action !== 'raise_budget')
            return ok(
              await withinDeadline(() => backend.signal(ctx, buildId, action, reason), `The ${action}`),
            );
          const { UserError } = await import('../../lib/errors');
          if (!usd)
            throw new UserError('raise_budget needs usd, a positive amount in USD such as "5" or "12.50".');
          return ok(await withinDeadline(() => backend.raiseBudget(ctx, buildId, usd), 'Raising the budget'));
        }),
    ),
  );
}

const ACTIVE_ROWS = 20;

/** The summary an agent polls with: counts and budget, plus the tasks worth looking at (running, failed). */
function concise(p: BuildStatusReport) {
  const active = p.tasks
    .filter((t) => t.state === 'RUNNING' || t.state === 'FAILED')
    .slice(0, ACTIVE_ROWS)
    .map((t) => ({ ...t, ...(t.error ? { error: t.error.slice(0, 300) } : {}) }));
  return {
    buildId: p.buildId,
    status: p.status,
    paused: p.paused,
    counts: p.counts,
    budget: p.budget,
    elapsedMs: p.elapsedMs,
    webUiUrl: p.webUiUrl,
    forecast: p.forecast,
    ...(p.approval ? { approval: p.approval } : {}),
    active,
  };
}
