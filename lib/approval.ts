/**
 * Approval gates, the parts every layer shares: the settings a build carries, what a caller sends to
 * approve or reject, and what a gate looks like in progress. Pure types and rules, safe for the
 * workflow bundle.
 */

import type { DeliveryTarget } from './delivery';

export type GateName = 'plan' | 'delivery';

/** On BuildWorkflowInput only when a gate is on, so builds without gates carry nothing new. */
export interface ApprovalSettings {
  plan: boolean;
  /** Wait before the build branch is delivered (only with `delivery` on the input). */
  delivery?: boolean;
  timeoutHours: number;
  onTimeout: 'cancel' | 'approve';
}

/** One approve or reject. The same requestId sent again gets the first answer, and changes nothing. */
export interface ApprovalRequest {
  requestId: string;
  /** Required to reject: it becomes the build's CANCELLED reason. */
  reason?: string;
  /** When given, the answer applies only to the plan with this hash (the one the approver read). */
  planHash?: string;
  /**
   * When given, the answer applies only at this gate: an approval meant for the plan that arrives
   * late (a script that approves again with a new request id) cannot approve the delivery.
   */
  gate?: GateName;
  /** Who answered, for the record (`br` passes the OS user name). */
  by?: string;
}

export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  /** `timeout`: nobody answered within timeoutHours. */
  via: 'request' | 'timeout';
  requestId?: string;
  reason?: string;
  by?: string;
  at: number;
}

/** The gate in the progress snapshot: waiting (no decision yet) or decided. */
export interface ApprovalProgress {
  gate: GateName;
  planHash: string;
  requestedAt: number;
  /** Epoch ms (workflow time) when an unanswered gate ends. */
  deadline: number;
  onTimeout: ApprovalSettings['onTimeout'];
  decision?: ApprovalDecision;
  /** The delivery gate: what approving it delivers. */
  delivery?: DeliveryTarget;
  /** Added by the services (never by the workflow) while the gate waits: where to look, what to run. */
  ask?: ApprovalAsk;
}

/** What a person or an agent needs to answer a waiting gate. */
export interface ApprovalAsk {
  /** The build in the Temporal Web UI, when one is configured or known. */
  webUiUrl: string | null;
  status: string;
  approve: string;
  reject: string;
}

export function approvalAsk(buildId: string, a: ApprovalProgress, webUiUrl: string | null): ApprovalAsk {
  return {
    webUiUrl,
    status: `br build status ${buildId}`,
    approve: `br build approve ${buildId} --plan-hash ${a.planHash}`,
    reject: `br build reject ${buildId} --reason TEXT`,
  };
}

/** A request id: letters, digits, `.`, `_`, `-`, at most 128 characters. */
export function requestIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(id))
    return 'the request id must be 1 to 128 letters, digits, ".", "_" or "-"';
  return undefined;
}
