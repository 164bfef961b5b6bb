/** Planning and estimation activities: arguments and results. */
import type { ModelTier } from '../models';
import type { Complexity, Plan, PlannedTask } from '../plan';

export interface PlanBuildInput {
  buildId: string;
  project: string;
  repoPath: string;
  /** Spec path relative to repoPath. */
  specPath: string;
  /** The spec itself, for a remote build: the worker has no checkout to read specPath from. */
  specContent?: string;
  planner: 'heuristic' | 'claude';
  /** Model for the Claude planner. */
  model?: string;
}

export interface PlanBuildResult {
  plan: Plan;
  costUsd: string;
}

export interface EstimateInput {
  buildId: string;
  tasks: PlannedTask[];
  mode: 'heuristic' | 'ai';
  model?: string;
}

export interface ComplexityEstimate {
  level: Complexity;
  /** 0..100 */
  score: number;
  reasons: string[];
  recommendedTier: ModelTier;
}

export interface EstimateResult {
  estimates: Record<string, ComplexityEstimate>;
  costUsd: string;
}
