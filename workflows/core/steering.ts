/**
 * The steering a caller needs an answer to (pause, raise the budget), as rules both hosts apply: the
 * Temporal port registers them as Updates with validators, the simulation applies them the same way.
 * A rejected update changes nothing (on Temporal it never reaches the history).
 */
import { isPositiveUsd, positiveUsdProblem } from '../../lib/usd';
import type { BuildHandlers } from './port';
import type { BudgetProgress, BuildStatus } from './progress';

/** What a steering update answers: the build's state once the change is applied. */
export interface SteeringState {
  status: BuildStatus;
  paused: boolean;
  running: number;
  budget: BudgetProgress;
}

/** One update: `validate` throws the reason it is refused, `apply` changes the build and answers its state. */
export interface SteeringUpdate<A extends unknown[]> {
  validate(...args: A): void;
  apply(...args: A): SteeringState;
}

export interface SteeringUpdates {
  pause: SteeringUpdate<[]>;
  raiseBudget: SteeringUpdate<[usd: string]>;
}

/** States in which pause and budget raises still mean something. */
export const STEERABLE: readonly BuildStatus[] = [
  'PLANNING',
  'RUNNING',
  'PAUSED',
  'WAITING_FOR_BUDGET',
  'DRAINING',
];

export function steeringUpdates(h: BuildHandlers): SteeringUpdates {
  const state = (): SteeringState => {
    const p = h.progress();
    return { status: p.status, paused: p.paused, running: p.counts.RUNNING, budget: p.budget };
  };
  const steerable = () => {
    const { status } = h.progress();
    if (!STEERABLE.includes(status)) throw new Error(`the build is ${status.toLowerCase()}`);
  };
  return {
    pause: { validate: steerable, apply: () => (h.pause(), state()) },
    raiseBudget: {
      validate: (usd) => {
        steerable();
        if (!isPositiveUsd(usd)) throw new Error(`the raise ${positiveUsdProblem(usd, '5 or 12.50')}`);
      },
      apply: (usd) => (h.raiseBudget(usd), state()),
    },
  };
}

/** Validates, then applies: what a host without update validators does with a steering update. */
export function steer<A extends unknown[]>(update: SteeringUpdate<A>, ...args: A): SteeringState {
  update.validate(...args);
  return update.apply(...args);
}
