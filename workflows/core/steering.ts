/**
 * The steering a caller needs an answer to (pause, raise the budget), as rules both hosts apply: the
 * Temporal port registers them as Updates with validators, the simulation applies them the same way.
 * A rejected update changes nothing (on Temporal it never reaches the history).
 */
import type { ApprovalRequest } from '../../lib/approval';
import type { ApprovalAnswer, ApprovalKind } from './approval';
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
export interface SteeringUpdate<A extends unknown[], R = SteeringState> {
  validate(...args: A): void;
  apply(...args: A): R;
}

/** What approve and reject answer: the decision (the first one for a repeated request id) and the state. */
export interface ApprovalState extends ApprovalAnswer {
  status: BuildStatus;
}

export interface SteeringUpdates {
  pause: SteeringUpdate<[]>;
  raiseBudget: SteeringUpdate<[usd: string]>;
  approve: SteeringUpdate<[ApprovalRequest], ApprovalState>;
  reject: SteeringUpdate<[ApprovalRequest], ApprovalState>;
}

/** States in which pause and budget raises still mean something. */
export const STEERABLE: readonly BuildStatus[] = [
  'PLANNING',
  'AWAITING_APPROVAL',
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
    approve: approval(h, 'approve'),
    reject: approval(h, 'reject'),
  };
}

function approval(h: BuildHandlers, kind: ApprovalKind): SteeringUpdate<[ApprovalRequest], ApprovalState> {
  return {
    validate: (req) => {
      const { status } = h.progress();
      if (!h.approval)
        throw new Error(`nothing is waiting for approval: the build is ${status.toLowerCase()}`);
      h.approval.validate(kind, req, status);
    },
    apply: (req) => {
      const answer = h.approval!.apply(kind, req, h.progress().now);
      return { ...answer, status: h.progress().status };
    },
  };
}

/** Validates, then applies: what a host without update validators does with a steering update. */
export function steer<A extends unknown[], R>(update: SteeringUpdate<A, R>, ...args: A): R {
  update.validate(...args);
  return update.apply(...args);
}
