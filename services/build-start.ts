import type { StartBuildOptions } from './build-input';
import { buildBackend, startSummary, summaryState, type StartSummary } from './build-backend';
import { knownClientKey, rememberClientKey } from './build-keys';
import { planForBuild } from './build-plan';
import type { ServiceContext } from './context';
import { choosePlanner, type PlannerChoice } from './plan-source';
import { step } from './steps';

/**
 * The one way a build is started, for `br build start`, MCP's br_build_start and any later front end
 * (`br build continue` builds on it). It returns as soon as Temporal has the build:
 *
 * - A plan file is built exactly; the offline heuristic planner runs here (it takes milliseconds), so
 *   its plan hash is known at once. Claude planning is never done here: the build plans itself in its
 *   first activity (status PLANNING) and the plan and forecast show in `br build status` when ready.
 * - The build id comes from the project, the spec and the base branch. A start while that build runs
 *   attaches to it; a start after it ended answers with the ended build and starts nothing, unless
 *   `rebuild` is set. So a retry never plans or builds the same spec twice.
 * - A client key returns the build it started the first time, even if the spec changed since.
 */
export interface StartRequest extends Omit<StartBuildOptions, 'plan' | 'planningCostUsd' | 'planner'> {
  /** Default: Claude when an API key is found, else the heuristic planner (as `br plan`). */
  planner?: PlannerChoice;
  /** Build exactly this plan file (`br plan --out`). */
  planFile?: string;
  /** A caller's name for this start: a repeat with the same key returns the same build. */
  clientKey?: string;
}

export interface StartResult {
  summary: StartSummary;
  /** Why the planner is the one it is (no key found → heuristic), for the front end to show. */
  note: string | null;
}

export async function startBuildFromSpec(ctx: ServiceContext, request: StartRequest): Promise<StartResult> {
  const { clientKey, planFile, planner: asked, ...options } = request;
  const backend = buildBackend(ctx);
  if (clientKey && !options.rebuild) {
    const known = knownClientKey(ctx, clientKey);
    if (known) {
      const now = await backend.lookup?.(ctx, known.buildId);
      if (now)
        return { summary: { ...known, ...summaryState(known.buildId, known.buildBranch, now) }, note: null };
    }
  }
  const { planner, note } = planFile ? { planner: undefined, note: null } : choosePlanner(ctx, asked);
  // Claude plans inside the build; a plan file or the heuristic planner gives the plan now.
  const planned =
    planFile || planner === 'heuristic'
      ? await step(
          planFile ? `reading the plan file ${planFile}` : 'planning the spec (heuristic planner)',
          'A large spec plans slowly; pass a plan file from `br plan --out`, or call again.',
          () => planForBuild(ctx, { specPath: options.specPath, planFile, ...(planner ? { planner } : {}) }),
        )
      : undefined;
  const started = await backend.start(ctx, {
    ...options,
    planner: planned?.planner ?? planner ?? 'claude',
    ...(planned ? { plan: planned.plan, planningCostUsd: planned.spentUsd } : {}),
  });
  const summary = startSummary(started, planned);
  if (clientKey && !started.ended) rememberClientKey(ctx, clientKey, summary);
  return { summary, note };
}
