/**
 * `br build approve` / `br build reject` and MCP's br_build_control approve|reject: the build's
 * approveBuild / rejectBuild Updates. The workflow's validators decide (refused when nothing waits,
 * naming the build's state); the request id is also the Update id, so a retried call gets the first
 * answer and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { requestIdProblem, type ApprovalRequest, type GateName } from '../lib/approval';
import { badValue, UserError } from '../lib/errors';
import type { ApprovalState } from '../workflows/messages';
import { requireBuild } from './builds';
import type { ServiceContext } from './context';
import { webUiLink, withTemporal } from './temporal-client';

export type ApprovalAction = 'approve' | 'reject';

export interface ApprovalOptions {
  reason?: string;
  planHash?: string;
  /** Answer only at this gate (plan or delivery). */
  gate?: GateName;
  /** Default: a new UUID. Send the same one again to retry safely. */
  requestId?: string;
}

export interface ApprovalResult {
  workflowId: string;
  action: ApprovalAction;
  requestId: string;
  state: ApprovalState;
  webUiUrl: string | null;
}

function who(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

export async function answerApproval(
  ctx: ServiceContext,
  id: string,
  action: ApprovalAction,
  options: ApprovalOptions = {},
): Promise<ApprovalResult> {
  if (action === 'reject' && !options.reason?.trim())
    throw badValue("br build reject needs --reason TEXT: it becomes the build's CANCELLED reason.");
  const requestId = options.requestId ?? randomUUID();
  const idProblem = requestIdProblem(requestId);
  if (idProblem) throw badValue(`--request-id: ${idProblem}.`);
  if (options.gate !== undefined && !(['plan', 'delivery'] as unknown[]).includes(options.gate))
    throw badValue(`--gate must be plan or delivery, not "${String(options.gate)}".`);
  if (options.planHash !== undefined && !/^[0-9a-f]{16}$/.test(options.planHash))
    throw badValue(
      `--plan-hash must be the 16 hex digits \`br build status\` shows, not "${options.planHash}".`,
    );
  const by = who();
  const request: ApprovalRequest = {
    requestId,
    ...(options.reason?.trim() ? { reason: options.reason.trim() } : {}),
    ...(options.planHash ? { planHash: options.planHash } : {}),
    ...(options.gate ? { gate: options.gate } : {}),
    ...(by ? { by } : {}),
  };
  const [messages, { WorkflowUpdateFailedError }] = await Promise.all([
    import('../workflows/messages'),
    import('@temporalio/client'),
  ]);
  return withTemporal(ctx, async (client) => {
    const info = await requireBuild(client, id);
    if (info.status.name !== 'RUNNING')
      throw new UserError(
        `Build ${id} is ${info.status.name.toLowerCase()}: nothing is waiting for approval.`,
      );
    const update = action === 'approve' ? messages.approveUpdate : messages.rejectUpdate;
    try {
      const state = await client.workflow
        .getHandle(id)
        // No updateId: the server would answer a repeat with the first result word for word; the
        // workflow itself knows the request id and says that nothing changed.
        .executeUpdate(update, { args: [request] });
      return { workflowId: id, action, requestId, state, webUiUrl: webUiLink(ctx, id) };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError)
        throw new UserError(
          `Build ${id} did not accept the ${action === 'approve' ? 'approval' : 'rejection'}: ${err.cause?.message ?? err.message}.`,
        );
      throw err;
    }
  });
}
