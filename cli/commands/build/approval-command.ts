import { Option } from 'clipanion';
import type { GateName } from '../../../lib/approval';
import { BrCommand } from '../../base';

/** Shared body of `br build approve` and `br build reject`: send the Update, print the decision. */
export abstract class BuildApprovalCommand extends BrCommand {
  protected abstract readonly action: 'approve' | 'reject';
  id = Option.String({ name: 'build-id' });
  planHash = Option.String('--plan-hash', {
    description: 'Answer only if the waiting plan has this hash (from `br build status`)',
  });
  gate = Option.String('--gate', {
    description: 'Answer only if the build waits at this gate: plan or delivery',
  });
  requestId = Option.String('--request-id', {
    description: 'Your id for this answer: sending it again changes nothing and prints the first answer',
  });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  protected async send(reason?: string): Promise<number> {
    const { answerApproval } = await import('../../../services/build-approval');
    const ctx = await this.serviceContext();
    const result = await answerApproval(ctx, this.id, this.action, {
      ...(reason !== undefined ? { reason } : {}),
      ...(this.planHash ? { planHash: this.planHash } : {}),
      ...(this.requestId ? { requestId: this.requestId } : {}),
      ...(this.gate !== undefined ? { gate: this.gate as GateName } : {}),
    });
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    const { decision, applied } = result.state;
    const what = decision.decision === 'approved' ? 'Approved' : 'Rejected';
    this.print(
      applied
        ? `${what} the ${result.state.gate === 'delivery' ? 'delivery' : 'plan'} of ${this.id}.`
        : `Already answered (request ${result.requestId}): ${decision.decision}; nothing changed.`,
    );
    if (decision.reason) this.print(`  Reason: ${decision.reason}`);
    this.print(`  Now: ${result.state.status.toLowerCase().replace(/_/g, ' ')}`);
    if (result.webUiUrl) this.print(`  Web UI: ${result.webUiUrl}`);
    return 0;
  }
}
