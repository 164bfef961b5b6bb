import type { ComplexityEstimate } from '../../lib/contracts';
import { validatePlan, type Plan } from '../../lib/plan';
import type { BuildPort } from './port';
import type { BuildWorkflowInput } from './types';

export type PlanPhaseResult =
  | { ok: true; plan: Plan; estimates: Record<string, ComplexityEstimate> }
  | { ok: false; plan?: Plan; problems: string[] };

/**
 * The first phase of a build: the plan (given, or from the planner activity), its validation, the
 * complexity estimates and the build branch. `spent` books what the planner and estimator cost.
 * A planning failure or an invalid plan ends the build as FAILED with the problems; nothing runs.
 */
export async function planPhase(
  port: BuildPort,
  input: BuildWorkflowInput,
  spent: (usd: string) => void,
): Promise<PlanPhaseResult> {
  const planned = await obtainPlan(port, input, spent);
  if (typeof planned === 'string') return { ok: false, problems: [planned] };
  const problems = validatePlan(planned).map((p) => p.message);
  if (problems.length) return { ok: false, plan: planned, problems };
  const est = await port.activities.estimateComplexity({
    buildId: input.buildId,
    tasks: planned.tasks,
    mode: input.estimator,
    ...(input.estimatorModel ? { model: input.estimatorModel } : {}),
  });
  spent(est.costUsd);
  // The design files ride on the same activity, so a build without them schedules the same commands.
  await port.activities.ensureBuildBranch({
    repoPath: input.repoPath,
    baseBranch: input.baseBranch,
    buildBranch: input.buildBranch,
    ...(input.design ? { buildId: input.buildId, design: input.design } : {}),
  });
  return { ok: true, plan: planned, estimates: est.estimates };
}

async function obtainPlan(
  port: BuildPort,
  input: BuildWorkflowInput,
  spent: (usd: string) => void,
): Promise<Plan | string> {
  if (input.plan) return input.plan;
  try {
    const r = await port.activities.planBuild({
      buildId: input.buildId,
      project: input.project,
      repoPath: input.repoPath,
      specPath: input.specPath,
      planner: input.planner,
      ...(input.plannerModel ? { model: input.plannerModel } : {}),
    });
    spent(r.costUsd);
    return r.plan;
  } catch (err) {
    const d = port.describeError(err);
    return `Planning failed (${d.type ?? 'error'}): ${d.message}`;
  }
}
