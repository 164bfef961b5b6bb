/**
 * Delivery (lib/delivery.ts), only for builds whose input has `delivery`: once every task succeeded,
 * the delivery gate (approval.delivery) waits exactly as the plan gate does, on the same ApprovalGate
 * and the plan's hash; then the deliverBuild activity merges the build branch. A rejection, a timeout
 * that cancels, a cancel while waiting or a refused merge leaves the build branch as it is, with every
 * task on it, and ends the build with the reason.
 */
import { explainFailure, type ExplainedFailure } from '../../lib/failure-hints';
import type { DeliveryProgress, DeliveryTarget } from '../../lib/delivery';
import type { Plan } from '../../lib/plan';
import { planHash } from '../../lib/plan-hash';
import type { ApprovalGate } from './approval';
import type { BuildPort } from './port';
import type { BuildStatus } from './progress';
import { stepFailure } from './step';
import type { BuildSummary } from '../../lib/notify/github-summary';
import type { BuildWorkflowInput, CompactTaskState } from './types';

/** How a build that reached delivery ends, when it does not end SUCCEEDED. */
export interface DeliveryStop {
  outcome: 'CANCELLED' | 'FAILED';
  problem: string;
  failure?: ExplainedFailure;
}

export async function deliver(b: {
  port: BuildPort;
  input: BuildWorkflowInput;
  gate: ApprovalGate;
  plan: Plan;
  setStatus: (s: BuildStatus) => void;
  cancelRequested: () => boolean;
  show: (d: DeliveryProgress) => void;
  /** The gate is about to wait (the approval.requested notification). */
  requested: () => void;
  /** What the build did, for a pull request's body. */
  done: () => {
    tasks: Map<string, CompactTaskState>;
    spentUsd: string;
    budgetUsd: string;
    elapsedMs: number;
  };
}): Promise<DeliveryStop | undefined> {
  const { port, input } = b;
  // Builds started before delivery existed have no `delivery`: they never reach the patch marker.
  if (!input.delivery || !port.patched('delivery-gate')) return undefined;
  const target: DeliveryTarget = {
    mode: input.delivery.mode,
    buildBranch: input.buildBranch,
    baseBranch: input.baseBranch,
  };
  const keeps = `The build branch ${input.buildBranch} keeps every task.`;
  const stop = (problem: string): DeliveryStop => {
    b.show({ ...target, state: 'rejected', reason: problem });
    return { outcome: 'CANCELLED', problem: `${problem.replace(/\.?$/, '.')} ${keeps}` };
  };
  if (input.approval?.delivery) {
    b.show({ ...target, state: 'awaiting-approval' });
    b.setStatus('AWAITING_APPROVAL');
    b.requested();
    const hash = planHash(b.plan);
    const d = await b.gate.wait(port, 'delivery', hash, input.approval, b.cancelRequested, target);
    b.setStatus('RUNNING');
    if (!d) return stop('Cancelled while the delivery waited for approval.');
    if (d.decision === 'rejected')
      return stop(
        d.via === 'timeout'
          ? `Delivery not approved: ${d.reason}`
          : `Delivery rejected${d.by ? ` by ${d.by}` : ''}: ${d.reason}`,
      );
  }
  b.show({ ...target, state: 'delivering' });
  try {
    const pr = input.delivery.mode === 'pull-request';
    const outcome = await port.activities.deliverBuild({
      ...target,
      buildId: input.buildId,
      repoPath: input.repoPath,
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      ...(pr && input.delivery.github ? { github: input.delivery.github } : {}),
      ...(pr ? { summary: pullRequestSummary(input, b.plan, b.done()) } : {}),
    });
    b.show({ ...target, state: 'delivered', outcome });
    return undefined;
  } catch (err) {
    const failed = stepFailure(port, 'Delivering the build', err);
    const failure = explainFailure(failed.code, failed.message);
    b.show({ ...target, state: 'refused', reason: failure.message });
    return { outcome: 'FAILED', problem: `${failure.message.replace(/\.?$/, '.')} ${keeps}`, failure };
  }
}

/** The build as its pull request's body shows it (lib/notify/github-summary.ts renders it). */
function pullRequestSummary(
  input: BuildWorkflowInput,
  plan: Plan,
  done: ReturnType<Parameters<typeof deliver>[0]['done']>,
): BuildSummary {
  return {
    buildId: input.buildId,
    project: input.project,
    outcome: 'SUCCEEDED',
    baseBranch: input.baseBranch,
    buildBranch: input.buildBranch,
    spentUsd: done.spentUsd,
    budgetUsd: done.budgetUsd,
    durationMs: done.elapsedMs,
    tasks: plan.tasks.map((t) => {
      const s = done.tasks.get(t.id);
      return {
        id: t.id,
        title: t.title,
        state: s?.state ?? 'PENDING',
        ...(s?.model ? { model: s.model } : {}),
        ...(s ? { costUsd: s.costUsd, attempts: s.attempts } : {}),
        ...(s?.mergeCommit ? { commit: s.mergeCommit } : {}),
      };
    }),
    links: { status: `br build status ${input.buildId}` },
  };
}
