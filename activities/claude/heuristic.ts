import type { ComplexityEstimate } from '../../lib/contracts';
import { tierFor, type BuildRunnerConfig } from '../../lib/config';
import { estimateTasks } from '../../lib/estimate/heuristic';
import { FailureClass } from '../../lib/failures';
import { planFromMarkdown, SpecReferenceError } from '../../lib/planner/heuristic';
import { validatePlan, type Plan, type PlannedTask } from '../../lib/plan';
import { failure } from '../failure';

/** Adapter to the offline heuristic planner and estimator (lib/planner, lib/estimate). */
/** The offline plan, checked like a Claude plan: a cycle or unknown dependency in the spec fails with INVALID_PLAN. */
export function heuristicPlan(spec: string, project: string): Plan {
  let planned: Plan;
  try {
    planned = planFromMarkdown(spec, project);
  } catch (err) {
    if (err instanceof SpecReferenceError) throw failure(FailureClass.INVALID_PLAN, err.message);
    throw err;
  }
  const plan: Plan = { ...planned, project };
  const problems = validatePlan(plan);
  if (problems.length)
    throw failure(
      FailureClass.INVALID_PLAN,
      `The heuristic plan of the spec is invalid:\n  ${problems.map((p) => p.message).join('\n  ')}\n` +
        'Fix the "depends on" references in the spec.',
    );
  return plan;
}

/** Heuristic estimates, with the tier taken from the configured routing rather than the default table. */
export function heuristicEstimates(
  tasks: PlannedTask[],
  config: BuildRunnerConfig,
): Record<string, ComplexityEstimate> {
  const estimates = estimateTasks(tasks);
  for (const e of Object.values(estimates)) e.recommendedTier = tierFor(config, e.level);
  return estimates;
}
