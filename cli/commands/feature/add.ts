import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class FeatureAddCommand extends BrCommand {
  static override paths = [['feature', 'add']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Add a feature to .buildrunner/features.json',
    details: `
      The feature starts as planned. Required features must be complete before a push when
      \`hooks.blockPushOnIncompleteRequired\` is on (the default).
    `,
    examples: [
      ['Add a feature', '$0 feature add login "User login"'],
      [
        'Add a required feature with tasks',
        '$0 feature add login "User login" --required --task auth-api --task login-form',
      ],
    ],
  });

  id = Option.String({ required: true });
  title = Option.String({ required: true });
  description = Option.String('--description,-d', { description: 'Longer description' });
  required = Option.Boolean('--required', false, { description: 'Block pushes until it is complete' });
  tasks = Option.Array('--task', [], { description: 'Task id that delivers it (repeatable)' });
  json = Option.Boolean('--json', false, { description: 'Print the new feature as JSON' });

  async execute(): Promise<number> {
    const { addFeature } = await import('../../../lib/features/store');
    const { projectRoot } = await import('../../../lib/features/root');
    const feature = addFeature(projectRoot(process.cwd()), {
      id: this.id,
      title: this.title,
      description: this.description,
      required: this.required,
      tasks: this.tasks,
    });
    if (this.json) this.printJson(feature);
    else
      this.print(
        `Added ${feature.id} (${feature.required ? 'required, ' : ''}planned). Run \`br generate\` to refresh STATUS.md.`,
      );
    return 0;
  }
}
