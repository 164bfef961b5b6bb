import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class FeatureStartCommand extends BrCommand {
  static override paths = [['feature', 'start']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Mark features in progress',
    details: `
      Same as \`br feature complete ID --status in_progress\`. Ids are matched ignoring case.
    `,
    examples: [['Start work on a feature', '$0 feature start F001']],
  });

  ids = Option.Rest({ required: 1 });
  json = Option.Boolean('--json', false, { description: 'Print the changed features as JSON' });

  async execute(): Promise<number> {
    const { setFeatureStatus } = await import('../../../services/features');
    const { projectRoot } = await import('../../../services/project-root');
    const changed = setFeatureStatus(projectRoot(this.cwd), this.ids, 'in_progress');
    if (this.json) this.printJson(changed);
    else
      this.print(
        changed.length ? `Marked in_progress: ${changed.map((f) => f.id).join(', ')}` : 'Nothing changed.',
      );
    return 0;
  }
}
