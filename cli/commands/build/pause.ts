import { BrCommand, Category } from '../../base';
import { BuildSignalCommand } from './signal-command';

export class BuildPauseCommand extends BuildSignalCommand {
  static override paths = [['build', 'pause']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Pause a build: running tasks finish, no new task starts until resume',
    examples: [['Pause a build', '$0 build pause build-shop-3f9a2c1d']],
  });
  protected readonly action = 'pause' as const;
  execute(): Promise<number> {
    return this.send();
  }
}
