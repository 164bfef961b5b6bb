/**
 * The progress snapshot returned by the build's progress query (and rendered by `br build watch`):
 * tasks by state with model, attempts and cost; build status; budget used and left; elapsed; recent alerts.
 */
import type { ApprovalProgress } from '../../lib/approval';
import type { DeliveryProgress } from '../../lib/delivery';
import type { BuildOutcome } from '../../lib/contracts';
import type { ExplainedFailure } from '../../lib/failure-hints';
import type { FailureClass } from '../../lib/failures';
import type { Complexity } from '../../lib/plan';
import type { TaskState } from './types';

export type BuildStatus =
  | 'PLANNING'
  | 'RUNNING'
  /** Planned, waiting for `br build approve` / `reject` (or the gate's timer); spending nothing. */
  | 'AWAITING_APPROVAL'
  | 'PAUSED'
  /** The budget or quota breaker is tripped: nothing new starts until raiseBudget/resume or cancel. */
  | 'WAITING_FOR_BUDGET'
  | 'CANCELLING'
  /** Draining running tasks before continue-as-new. */
  | 'DRAINING'
  | BuildOutcome;

export interface TaskProgress {
  id: string;
  title: string;
  state: TaskState;
  complexity?: Complexity;
  model?: string;
  attempts: number;
  costUsd: string;
  failureClass?: FailureClass;
  error?: string;
  /** What to do next about the failure; added by the services from lib/failure-hints.ts. */
  hint?: string;
  /**
   * The tasks this one waits for, and when it started and ended (epoch ms). Absent from snapshots of
   * builds whose workers predate them: readers treat them as unknown.
   */
  dependsOn?: string[];
  startedAt?: number;
  finishedAt?: number;
}

export interface BudgetAlert {
  /** The threshold crossed, e.g. 0.8. */
  threshold: number;
  spentUsd: string;
  budgetUsd: string;
  at: number;
}

export interface BudgetProgress {
  limitUsd: string;
  spentUsd: string;
  reservedUsd: string;
  /** limit − spent − reserved, never below zero. */
  leftUsd: string;
  /** spent / limit. */
  fractionUsed: number;
  breaker: 'closed' | 'budget' | 'quota';
}

export interface ProgressSnapshot {
  buildId: string;
  status: BuildStatus;
  paused: boolean;
  tasks: TaskProgress[];
  counts: Record<TaskState, number>;
  budget: BudgetProgress;
  startedAt: number;
  now: number;
  elapsedMs: number;
  /** The last few budget alerts, oldest first. */
  alerts: BudgetAlert[];
  generation: number;
  /** The approval gate, once the build reached one: its plan hash, deadline and decision. */
  approval?: ApprovalProgress;
  /** Builds with `delivery`, once their tasks are done: waiting, delivering, delivered, or why not. */
  delivery?: DeliveryProgress;
  /** Why the build failed before running tasks: class, message and what to do next. */
  failure?: ExplainedFailure;
}

export function emptyCounts(): Record<TaskState, number> {
  return { PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0 };
}
