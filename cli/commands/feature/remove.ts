import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class FeatureRemoveCommand extends BrCommand {
  static override paths = [['feature', 'remove']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Remove a feature from .buildrunner/features.json (ids are matched ignoring case)',
    examples: [['Remove a feature', '$0 feature remove login']],
  });

  id = Option.String({ required: true });

  async execute(): Promise<number> {
    const { removeFeature } = await import('../../../services/features');
    const { projectRoot } = await import('../../../services/project-root');
    const removed = removeFeature(projectRoot(this.cwd), this.id);
    this.print(`Removed ${removed.id} (${removed.title}).`);
    return 0;
  }
}
