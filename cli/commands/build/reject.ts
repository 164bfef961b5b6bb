import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';
import { BuildApprovalCommand } from './approval-command';

export class BuildRejectCommand extends BuildApprovalCommand {
  static override paths = [['build', 'reject']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Reject what a build waits on: the build ends CANCELLED with your reason',
    details: `
      Refused, with the build's state, when nothing waits for approval. At the plan gate nothing was
      spent on tasks; at the delivery gate the tasks stay done on the build branch and nothing is
      delivered.
    `,
    examples: [['Reject a plan', '$0 build reject build-shop-3f9a2c1d --reason "split task 3 first"']],
  });
  reason = Option.String('--reason', {
    required: true,
    description: 'Why: the build ends CANCELLED with it',
  });
  protected readonly action = 'reject' as const;
  execute(): Promise<number> {
    return this.send(this.reason);
  }
}
