import type { ComplexityEstimate } from '../contracts';
import { tierFor, type BuildRunnerConfig } from '../../lib/config';
import { estimateTasks } from '../../lib/estimate/heuristic';
import type { Plan, PlannedTask } from '../../lib/plan';

/** Adapter to the offline heuristic planner and estimator (lib/planner, lib/estimate). */
export function heuristicPlan(_spec: string, _project: string): Plan {
  throw new Error('The heuristic planner is not available yet.');
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
