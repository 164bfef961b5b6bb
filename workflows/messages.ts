/**
 * Signals and queries of the build and task workflows, declared once: the workflows register handlers
 * for them and the client (services/builds.ts) sends them. Names are the wire names the Web UI and
 * `temporal workflow signal` show.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CostReport, ReservationGrant, ReservationRequest } from './core/port';
import type { ProgressSnapshot } from './core/progress';
import type { ApprovalState, SteeringState } from './core/steering';
import type { ApprovalRequest } from '../lib/approval';
import type { CarryOn } from './core/port';

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const cancelSignal = defineSignal<[reason?: string]>('cancel');
/** Adds this many USD (a decimal string, e.g. "5.00") to the build's budget. */
export const raiseBudgetSignal = defineSignal<[usd: string]>('raiseBudget');
export const progressQuery = defineQuery<ProgressSnapshot>('progress');
/**
 * What a new run needs to carry this build on (`br build continue`): its input and its carry-over
 * state (plan, estimates, finished tasks, spend); null before the build has a plan.
 */
export const carryOnQuery = defineQuery<CarryOn | null>('carryOn');

export type { SteeringState } from './core/steering';
/** Pause as an Update: the caller gets the accepted state, or the reason it was rejected. */
export const pauseUpdate = defineUpdate<SteeringState>('pauseBuild');
/** Raise the budget by this many USD as an Update; a malformed or non-positive amount is rejected. */
export const raiseBudgetUpdate = defineUpdate<SteeringState, [usd: string]>('raiseBudgetBy');

export type { ApprovalState } from './core/steering';
/** Approves the gate the build waits at; refused when nothing waits. Idempotent per request id. */
export const approveUpdate = defineUpdate<ApprovalState, [ApprovalRequest]>('approveBuild');
/** Rejects the gate (a reason is required): the build ends CANCELLED with it. Idempotent per request id. */
export const rejectUpdate = defineUpdate<ApprovalState, [ApprovalRequest]>('rejectBuild');

/** Task → build, before every try. */
export const requestReservationSignal = defineSignal<[ReservationRequest]>('requestReservation');
/** Task → build, after every try. */
export const reportCostSignal = defineSignal<[CostReport]>('reportCost');
/** Build → task, the answer to a reservation request. */
export const grantSignal = defineSignal<[ReservationGrant]>('grant');

/** Memo keys set on every build workflow: readable in `br build list` without a custom search attribute. */
export const MEMO = {
  project: 'project',
  specPath: 'specPath',
  budgetUsd: 'budgetUsd',
  outcome: 'outcome',
  /** Claude activities for model M run on `${prefix}${M}`; the worker and the client read it from config. */
  modelTaskQueuePrefix: 'modelTaskQueuePrefix',
} as const;
