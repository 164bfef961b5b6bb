/**
 * The approval gate of a build (lib/approval.ts): after planning, the build waits in AWAITING_APPROVAL,
 * spending nothing, until an approve or reject Update, a cancel, or the durable timer of
 * `timeoutHours`. Validators refuse an answer when nothing waits (naming the build's state), a
 * rejection without a reason and an answer for another plan; a request id already answered gets its
 * first answer again and changes nothing.
 */
import {
  requestIdProblem,
  type ApprovalDecision,
  type ApprovalProgress,
  type ApprovalRequest,
  type ApprovalSettings,
  type GateName,
} from '../../lib/approval';
import type { DeliveryTarget } from '../../lib/delivery';
import type { Plan } from '../../lib/plan';
import { planHash } from '../../lib/plan-hash';
import type { BuildStatus } from './progress';

export type ApprovalKind = 'approve' | 'reject';

/** What the gate needs of the runtime port, spelled out here: port.ts refers to the gate. */
interface GatePort {
  now(): number;
  condition(fn: () => boolean, timeoutMs?: number): Promise<boolean>;
  patched(id: string): boolean;
}

/** What an approve or reject Update answers. */
export interface ApprovalAnswer {
  requestId: string;
  /** The gate the answer went to (absent in answers of builds from before the delivery gate). */
  gate?: GateName;
  /** False when this request id was answered before: nothing changed this time. */
  applied: boolean;
  decision: ApprovalDecision;
}

export class ApprovalGate {
  private current: ApprovalProgress | undefined;
  private waiting = false;
  private readonly answers = new Map<string, ApprovalAnswer>();

  constructor(private readonly bump: () => void) {}

  progress(): ApprovalProgress | undefined {
    return this.current;
  }

  /** Throws the reason an answer is refused; a refused Update never reaches the history. */
  validate(kind: ApprovalKind, req: ApprovalRequest, status: BuildStatus): void {
    const idProblem = requestIdProblem(req?.requestId);
    if (idProblem) throw new Error(idProblem);
    if (this.answers.has(req.requestId)) return;
    if (!this.waiting || !this.current)
      throw new Error(
        `nothing is waiting for approval: the build is ${status.toLowerCase().replace(/_/g, ' ')}`,
      );
    if (req.gate !== undefined && req.gate !== this.current.gate)
      throw new Error(
        `the build waits for approval of its ${this.current.gate}, not of its ${String(req.gate)}: nothing changed`,
      );
    if (kind === 'reject' && !req.reason?.trim())
      throw new Error('a rejection needs a reason (--reason TEXT)');
    if (req.planHash !== undefined && req.planHash !== this.current.planHash)
      throw new Error(
        `the plan waiting for approval has hash ${this.current.planHash}, not ${req.planHash}: read it again with br build status`,
      );
  }

  apply(kind: ApprovalKind, req: ApprovalRequest, now: number): ApprovalAnswer {
    const seen = this.answers.get(req.requestId);
    if (seen) return { ...seen, applied: false };
    // Two answers delivered in the same activation both passed their validators: the first decides.
    const first = this.current?.decision;
    const decision: ApprovalDecision = first ?? {
      decision: kind === 'approve' ? 'approved' : 'rejected',
      via: 'request',
      requestId: req.requestId,
      ...(req.reason?.trim() ? { reason: req.reason.trim().slice(0, 2000) } : {}),
      ...(req.by ? { by: req.by.slice(0, 200) } : {}),
      at: now,
    };
    const gate = this.current?.gate;
    const answer = { requestId: req.requestId, ...(gate ? { gate } : {}), applied: !first, decision };
    this.answers.set(req.requestId, answer);
    if (this.current && !first) this.current = { ...this.current, decision };
    this.bump();
    return answer;
  }

  /**
   * Waits at `gate` until an answer, `stopped()` (a cancel: undefined is returned) or the timer.
   * The timer is the host's durable one: on Temporal it survives worker restarts.
   */
  async wait(
    port: Pick<GatePort, 'now' | 'condition'>,
    gate: GateName,
    planHash: string,
    settings: ApprovalSettings,
    stopped: () => boolean,
    delivery?: DeliveryTarget,
  ): Promise<ApprovalDecision | undefined> {
    const timeoutMs = Math.round(settings.timeoutHours * 3600_000);
    const requestedAt = port.now();
    this.current = {
      gate,
      planHash,
      requestedAt,
      deadline: requestedAt + timeoutMs,
      onTimeout: settings.onTimeout,
      ...(delivery ? { delivery } : {}),
    };
    this.waiting = true;
    const answered = await port.condition(() => !!this.current?.decision || stopped(), timeoutMs);
    this.waiting = false;
    if (this.current.decision) return this.current.decision;
    if (answered) return undefined;
    const hours = `${settings.timeoutHours} hour${settings.timeoutHours === 1 ? '' : 's'}`;
    const decision: ApprovalDecision = {
      decision: settings.onTimeout === 'approve' ? 'approved' : 'rejected',
      via: 'timeout',
      reason: `nobody approved or rejected the ${gate} within ${hours} (approval.onTimeout: ${settings.onTimeout})`,
      at: port.now(),
    };
    this.current = { ...this.current, decision };
    return decision;
  }
}

/**
 * The plan gate, when the build has one: sets AWAITING_APPROVAL and waits. Answers undefined to go on,
 * or the reason the build ends CANCELLED (rejected, timed out, cancelled while waiting). Builds
 * started before gates existed never reach the patch marker: their input has no `approval`.
 */
export async function awaitPlanApproval(b: {
  port: GatePort;
  settings: ApprovalSettings | undefined;
  gate: ApprovalGate;
  plan: Plan;
  setStatus: (s: BuildStatus) => void;
  cancelRequested: () => boolean;
}): Promise<string | undefined> {
  if (!b.settings?.plan || !b.port.patched('approval-gates')) return undefined;
  b.setStatus('AWAITING_APPROVAL');
  const d = await b.gate.wait(b.port, 'plan', planHash(b.plan), b.settings, b.cancelRequested);
  b.setStatus('RUNNING');
  if (!d) return 'Cancelled while the plan waited for approval';
  if (d.decision === 'approved') return undefined;
  if (d.via === 'timeout') return `Plan not approved: ${d.reason}`;
  return `Plan rejected${d.by ? ` by ${d.by}` : ''}: ${d.reason}`;
}
