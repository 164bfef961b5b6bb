import { BrCommand, Category } from '../../base';
import { BuildSignalCommand } from './signal-command';

export class BuildResumeCommand extends BuildSignalCommand {
  static override paths = [['build', 'resume']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Resume a paused build (or one waiting on a tripped quota breaker)',
    examples: [['Resume a build', '$0 build resume build-shop-3f9a2c1d']],
  });
  protected readonly action = 'resume' as const;
  execute(): Promise<number> {
    return this.send();
  }
}
