/** Pure helpers of the build body: task weights, outcome, summary and the progress snapshot. */
import type { ApprovalProgress } from '../../lib/approval';
import { deliveryLine, type DeliveryProgress } from '../../lib/delivery';
import type { BuildOutcome, ComplexityEstimate } from '../../lib/contracts';
import type { ExplainedFailure } from '../../lib/failure-hints';
import type { Complexity, Plan } from '../../lib/plan';
import type { BudgetLedger } from './budget';
import { emptyCounts, type BudgetAlert, type BuildStatus, type ProgressSnapshot } from './progress';
import type { SchedulableTask } from './scheduler';
import type { BuildSummary, CompactTaskState, TaskState } from './types';

/** Relative expected duration per complexity, for critical-path ordering. */
export const COMPLEXITY_WEIGHT: Record<Complexity, number> = {
  simple: 1,
  moderate: 2,
  complex: 4,
  critical: 8,
};

export function levelOf(estimates: Record<string, ComplexityEstimate>, plan: Plan, id: string): Complexity {
  return estimates[id]?.level ?? plan.tasks.find((t) => t.id === id)?.complexity ?? 'moderate';
}

export function schedulable(plan: Plan, estimates: Record<string, ComplexityEstimate>): SchedulableTask[] {
  return plan.tasks.map((t) => ({
    id: t.id,
    dependsOn: t.dependsOn,
    files: t.files,
    weight: COMPLEXITY_WEIGHT[estimates[t.id]?.level ?? t.complexity ?? 'moderate'],
  }));
}

export function countStates(states: Iterable<TaskState>): Record<TaskState, number> {
  const counts = emptyCounts();
  for (const s of states) counts[s] += 1;
  return counts;
}

/** What the build is doing between task events, for progress and the Web UI; a stop outranks the rest. */
export function statusOf(s: {
  stopped: boolean;
  draining: boolean;
  paused: boolean;
  breakerOpen: boolean;
}): BuildStatus {
  if (s.stopped) return 'CANCELLING';
  if (s.draining) return 'DRAINING';
  if (s.paused) return 'PAUSED';
  if (s.breakerOpen) return 'WAITING_FOR_BUDGET';
  return 'RUNNING';
}

/** SUCCEEDED when every task did, FAILED when none did, PARTIAL in between; stops override. */
export function decideOutcome(
  counts: Record<TaskState, number>,
  stopped: 'CANCELLED' | 'BUDGET_EXHAUSTED' | undefined,
): BuildOutcome {
  if (stopped) return stopped;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (counts.SUCCEEDED === total) return 'SUCCEEDED';
  if (counts.SUCCEEDED === 0) return 'FAILED';
  return 'PARTIAL';
}

export function summarize(args: {
  outcome: BuildOutcome;
  tasks: Map<string, CompactTaskState>;
  ledger: BudgetLedger;
  elapsedMs: number;
  generation: number;
  problems?: string[];
  failure?: ExplainedFailure;
  delivery?: DeliveryProgress;
}): BuildSummary {
  const counts = countStates([...args.tasks.values()].map((t) => t.state));
  const total = args.tasks.size;
  const failedTasks = [...args.tasks.entries()]
    .filter(([, t]) => t.state === 'FAILED')
    .map(([id, t]) => ({
      id,
      ...(t.failureClass ? { failureClass: t.failureClass } : {}),
      ...(t.error ? { error: t.error } : {}),
    }));
  const spent = args.ledger.spentUsd;
  const base = `${counts.SUCCEEDED}/${total} tasks succeeded, ${counts.FAILED} failed, ${counts.BLOCKED} blocked, ${counts.CANCELLED} cancelled; $${spent} of $${args.ledger.limitUsd} spent`;
  const lead: Record<BuildOutcome, string> = {
    SUCCEEDED: 'Build succeeded',
    PARTIAL: 'Build partly succeeded',
    FAILED: args.failure
      ? 'Build failed'
      : args.problems?.length
        ? 'Build failed: the plan was rejected'
        : 'Build failed',
    CANCELLED: 'Build cancelled',
    BUDGET_EXHAUSTED: 'Build stopped: budget exhausted (raise it with `br build budget`)',
  };
  return {
    outcome: args.outcome,
    message: `${lead[args.outcome]}. ${args.problems?.length ? args.problems.join(' ') : base}`.replace(
      /\.?$/,
      () => (args.delivery?.state === 'delivered' ? `. ${deliveryLine(args.delivery)}` : '.'),
    ),
    tasks: { total, ...counts },
    spentUsd: spent,
    budgetUsd: args.ledger.limitUsd,
    elapsedMs: args.elapsedMs,
    ...(args.problems?.length ? { problems: args.problems } : {}),
    ...(args.failure ? { failure: args.failure } : {}),
    failedTasks,
    generation: args.generation,
    ...(args.delivery ? { delivery: args.delivery } : {}),
  };
}

export function snapshot(args: {
  buildId: string;
  status: BuildStatus;
  paused: boolean;
  plan: Plan | undefined;
  estimates: Record<string, ComplexityEstimate>;
  tasks: Map<string, CompactTaskState>;
  ledger: BudgetLedger;
  startedAt: number;
  now: number;
  alerts: BudgetAlert[];
  generation: number;
  failure?: ExplainedFailure;
  approval?: ApprovalProgress;
  delivery?: DeliveryProgress;
}): ProgressSnapshot {
  const tasks = (args.plan?.tasks ?? []).map((t) => {
    const s = args.tasks.get(t.id) ?? { state: 'PENDING' as const, attempts: 0, costUsd: '0' };
    return {
      id: t.id,
      title: t.title,
      state: s.state,
      complexity: args.estimates[t.id]?.level ?? t.complexity,
      ...(s.model ? { model: s.model } : {}),
      attempts: s.attempts,
      costUsd: s.costUsd,
      ...(s.failureClass ? { failureClass: s.failureClass } : {}),
      ...(s.error ? { error: s.error } : {}),
      dependsOn: t.dependsOn,
      ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
      ...(s.finishedAt !== undefined ? { finishedAt: s.finishedAt } : {}),
    };
  });
  return {
    buildId: args.buildId,
    status: args.status,
    paused: args.paused,
    tasks,
    counts: countStates(tasks.map((t) => t.state)),
    budget: args.ledger.progress(),
    startedAt: args.startedAt,
    now: args.now,
    elapsedMs: args.now - args.startedAt,
    alerts: args.alerts.slice(-10),
    generation: args.generation,
    ...(args.failure ? { failure: args.failure } : {}),
    ...(args.approval ? { approval: args.approval } : {}),
    ...(args.delivery ? { delivery: args.delivery } : {}),
  };
}
