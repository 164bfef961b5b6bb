import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';
import { BuildSignalCommand } from './signal-command';

export class BuildCancelCommand extends BuildSignalCommand {
  static override paths = [['build', 'cancel']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description:
      'Cancel a build: running tasks are cancelled and their worktrees removed; merged work stays on the build branch',
    examples: [['Cancel a build', '$0 build cancel build-shop-3f9a2c1d --reason "spec changed"']],
  });
  protected readonly action = 'cancel' as const;
  reason = Option.String('--reason', { description: 'Recorded with the cancellation' });
  execute(): Promise<number> {
    return this.send(this.reason);
  }
}
