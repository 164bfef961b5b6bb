import type { ComplexityEstimate } from '../contracts';
import type { BuildRunnerConfig } from '../../lib/config';
import type { Plan, PlannedTask } from '../../lib/plan';

/** Adapter to the offline heuristic planner and estimator (lib/planner, lib/estimate). */
export function heuristicPlan(_spec: string, _project: string): Plan {
  throw new Error('The heuristic planner is not available yet.');
}

export function heuristicEstimates(
  _tasks: PlannedTask[],
  _config: BuildRunnerConfig,
): Record<string, ComplexityEstimate> {
  throw new Error('The heuristic estimator is not available yet.');
}
