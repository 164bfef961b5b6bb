/**
 * The cost forecast of a plan, as `br plan` prints it and the plan gate's approval.requested carries:
 * low = one attempt per task on its chosen model; high = that attempt, a repair attempt and one attempt
 * on the next stronger model. Pure; reads only the plan, the estimates and the routing settings.
 */
import Decimal from 'decimal.js';
import type { ComplexityEstimate } from '../../lib/contracts';
import type { ModelEntry } from '../../lib/models';
import type { Plan } from '../../lib/plan';
import { estimateAttemptUsd, initialModel, strongerModel } from './routing';
import type { RoutingSettings } from './types';

export interface TaskCostForecast {
  estimate: ComplexityEstimate;
  model: ModelEntry;
  /** Decimal strings. */
  low: string;
  high: string;
}

/** A task without an estimate is forecast as moderate. */
export function taskCostForecast(routing: RoutingSettings, estimate?: ComplexityEstimate): TaskCostForecast {
  const e = estimate ?? {
    level: 'moderate',
    score: 50,
    reasons: ['no estimate'],
    recommendedTier: routing.tiers.moderate,
  };
  const tiers = { ...routing.tiers, [e.level]: e.recommendedTier };
  const model = initialModel({ ...routing, tiers }, e.level);
  const one = new Decimal(estimateAttemptUsd(model, e.level));
  const escalation = new Decimal(estimateAttemptUsd(strongerModel(routing.catalog, model) ?? model, e.level));
  return { estimate: e, model, low: one.toFixed(), high: one.times(2).plus(escalation).toFixed() };
}

export function planCostForecast(
  plan: Plan,
  estimates: Record<string, ComplexityEstimate>,
  routing: RoutingSettings,
): { low: string; high: string } {
  let low = new Decimal(0);
  let high = new Decimal(0);
  for (const task of plan.tasks) {
    const f = taskCostForecast(routing, estimates[task.id]);
    low = low.plus(f.low);
    high = high.plus(f.high);
  }
  return { low: low.toFixed(), high: high.toFixed() };
}
