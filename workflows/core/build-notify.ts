/**
 * The build's notification events (lib/notify/events.ts), made from what the build knows at each
 * point: started, the plan gate, a task's end, the end. A build without sinks has no notifier, and
 * none of these does anything.
 */
import type { GateName } from '../../lib/approval';
import type { ComplexityEstimate } from '../../lib/contracts';
import type { Plan } from '../../lib/plan';
import { planHash } from '../../lib/plan-hash';
import type { Notifier } from './notifier';
import { planCostForecast } from './plan-forecast';
import type { BuildPort } from './port';
import type { BuildSummary, BuildWorkflowInput, CompactTaskState, TaskResult } from './types';

const bounded = (text: string) => (text.length > 2000 ? `${text.slice(0, 1999)}…` : text);

/** A repository URL without a user or password in it. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The build's remote (remote builds), for sinks that act on the repository (GitHub). */
const remote = (input: BuildWorkflowInput) =>
  input.repoUrl ? { repoUrl: withoutCredentials(input.repoUrl) } : {};

export function notifyStarted(n: Notifier | undefined, input: BuildWorkflowInput, plan: Plan): void {
  n?.emit('build.started', 'build', {
    project: input.project,
    specPath: input.specPath,
    baseBranch: input.baseBranch,
    buildBranch: input.buildBranch,
    ...remote(input),
    tasks: plan.tasks.length,
    budgetUsd: input.budgetUsd,
  });
}

/**
 * A gate is about to wait: sent at once, since no loop (and its flush) runs while it waits (before the
 * tasks for the plan gate, after them for the delivery gate).
 */
export function notifyGate(
  n: Notifier | undefined,
  port: BuildPort,
  input: BuildWorkflowInput,
  plan: Plan,
  gate: GateName,
  /** The plan gate's forecast is made from them; the delivery gate has nothing left to forecast. */
  estimates?: Record<string, ComplexityEstimate>,
): void {
  const settings = input.approval;
  if (!n || !settings?.[gate]) return;
  const deadline = port.now() + Math.round(settings.timeoutHours * 3600_000);
  n.now(port, 'approval.requested', gate, {
    gate,
    planHash: planHash(plan),
    tasks: plan.tasks.length,
    deadline: new Date(deadline).toISOString(),
    onTimeout: settings.onTimeout,
    ...(estimates ? { forecastUsd: planCostForecast(plan, estimates, input.routing) } : {}),
  });
}

export function notifyTaskEnded(
  n: Notifier | undefined,
  input: BuildWorkflowInput,
  plan: Plan | undefined,
  result: TaskResult,
): void {
  if (!n || (result.outcome !== 'SUCCEEDED' && result.outcome !== 'FAILED')) return;
  const title = plan?.tasks.find((t) => t.id === result.taskId)?.title ?? result.taskId;
  if (result.outcome === 'SUCCEEDED')
    n.emit('task.succeeded', result.taskId, {
      taskId: result.taskId,
      title,
      model: result.model ?? 'unknown',
      costUsd: result.costUsd,
      ...(result.mergeCommit ? { commit: result.mergeCommit } : {}),
      ...remote(input),
    });
  else
    n.emit('task.failed', result.taskId, {
      taskId: result.taskId,
      title,
      failureClass: result.failureClass ?? 'UNKNOWN',
      message: bounded(result.error ?? 'failed'),
      costUsd: result.costUsd,
      ...remote(input),
    });
}

export function notifyFinished(
  n: Notifier | undefined,
  input: BuildWorkflowInput,
  summary: BuildSummary,
  tasks: Map<string, CompactTaskState>,
): void {
  if (!n) return;
  const merged = [...tasks.values()]
    .filter((t) => t.mergeCommit)
    .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
  const head = merged[merged.length - 1]?.mergeCommit;
  const t = summary.tasks;
  n.emit('build.finished', 'build', {
    outcome: summary.outcome,
    message: bounded(summary.message),
    tasks: {
      total: t.total,
      succeeded: t.SUCCEEDED,
      failed: t.FAILED,
      blocked: t.BLOCKED,
      cancelled: t.CANCELLED,
    },
    spentUsd: summary.spentUsd,
    durationMs: summary.elapsedMs,
    baseBranch: input.baseBranch,
    buildBranch: input.buildBranch,
    ...(head ? { headCommit: head } : {}),
    ...remote(input),
  });
}
