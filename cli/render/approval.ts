import type { ApprovalProgress } from '../../lib/approval';
import { deliveryLine, type DeliveryProgress } from '../../lib/delivery';
import { printable } from './format';

/** The approval gate in `br build status` / `watch`: what waits, its plan hash, deadline and the commands. */
export function approvalLines(buildId: string, a: ApprovalProgress | undefined, now: number): string[] {
  if (!a) return [];
  const d = a.decision;
  if (!d) {
    const left = Math.max(0, a.deadline - now);
    const hours = (left / 3600_000).toFixed(left < 3600_000 ? 2 : 1);
    const what = a.delivery
      ? `Waiting for approval to merge ${a.delivery.buildBranch} into ${a.delivery.baseBranch} (plan hash ${a.planHash}); every task is done, nothing is delivered until then.`
      : `Waiting for approval of the ${a.gate} (plan hash ${a.planHash}); nothing runs or spends until then.`;
    return [
      what,
      `  Approve: br build approve ${buildId} --plan-hash ${a.planHash}`,
      `  Reject:  br build reject ${buildId} --reason TEXT`,
      `  Unanswered in ${hours} h (${new Date(a.deadline).toISOString()}), it is ${a.onTimeout === 'approve' ? 'approved' : 'cancelled'}.`,
      ...(a.ask?.webUiUrl ? [`  Web UI:  ${a.ask.webUiUrl}`] : []),
    ];
  }
  const by = d.via === 'timeout' ? ' on timeout' : d.by ? ` by ${printable(d.by)}` : '';
  return [
    `The ${a.gate} (hash ${a.planHash}) was ${d.decision}${by}${d.reason ? `: ${printable(d.reason)}` : ''}.`,
  ];
}

/** The delivery of a build that has one, once its tasks are done (the gate itself shows above). */
export function deliveryLines(d: DeliveryProgress | undefined): string[] {
  if (!d || d.state === 'awaiting-approval') return [];
  return [printable(deliveryLine(d))];
}
