import { BrCommand, Category } from '../../base';
import { BuildApprovalCommand } from './approval-command';

export class BuildApproveCommand extends BuildApprovalCommand {
  static override paths = [['build', 'approve']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Approve what a build waits on (AWAITING_APPROVAL): its plan, or its delivery',
    details: `
      Refused, with the build's state, when nothing waits for approval. At the plan gate the tasks
      start; at the delivery gate (approval.delivery) the build branch is merged or sent as a pull
      request (delivery.mode). \`br build status\` shows what waits, the plan's forecast and its
      hash; \`--plan-hash\` approves only that plan.
    `,
    examples: [
      ['Approve a plan', '$0 build approve build-shop-3f9a2c1d'],
      ['Approve the plan you read', '$0 build approve build-shop-3f9a2c1d --plan-hash 3f9a2c1d0b7e4a11'],
    ],
  });
  protected readonly action = 'approve' as const;
  execute(): Promise<number> {
    return this.send();
  }
}
