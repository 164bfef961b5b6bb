import { Option, UsageError } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class FeatureAddCommand extends BrCommand {
  static override paths = [['feature', 'add']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Add a feature to .buildrunner/features.json',
    details: `
      The feature starts as planned, with priority medium unless \`--priority\` says otherwise. Without
      \`--id\` the id comes from the title ("Design System" becomes \`design-system\`); ids such as
      \`F001\` are kept as typed and matched ignoring case by the other \`br feature\` commands.
      Required features must be complete before a push when \`hooks.blockPushOnIncompleteRequired\`
      is on (the default). The older form \`br feature add ID TITLE\` still works.
    `,
    examples: [
      ['Add a feature', '$0 feature add "User login" --priority high'],
      ['With your own id', '$0 feature add "Design System" --id F001 --priority critical'],
      [
        'A required feature with tasks',
        '$0 feature add "User login" --required --task auth-api --task login-form',
      ],
    ],
  });

  title = Option.String({ name: 'title' });
  legacyTitle = Option.String({ required: false, name: 'title' });
  id = Option.String('--id', { description: 'Feature id (default: derived from the title)' });
  priority = Option.String('--priority,-p', {
    description: 'critical | high | medium (default) | low',
    validator: t.isEnum(['critical', 'high', 'medium', 'low'] as const),
  });
  description = Option.String('--description,-d', { description: 'Longer description' });
  required = Option.Boolean('--required', false, { description: 'Block pushes until it is complete' });
  tasks = Option.Array('--task', [], { description: 'Task id that delivers it (repeatable)' });
  json = Option.Boolean('--json', false, { description: 'Print the new feature as JSON' });

  async execute(): Promise<number> {
    if (this.legacyTitle !== undefined && this.id !== undefined)
      throw new UsageError('Give the id either with --id or as the first argument, not both.');
    if (this.id !== undefined) {
      const { featureId } = await import('../../../lib/features/schema');
      const checked = featureId.safeParse(this.id);
      if (!checked.success)
        throw new UsageError(`Invalid value for --id: ${checked.error.issues[0]?.message ?? 'not an id'}`);
    }
    const { addFeature } = await import('../../../services/features');
    const { projectRoot } = await import('../../../services/project-root');
    const feature = addFeature(projectRoot(this.cwd), {
      id: this.legacyTitle === undefined ? this.id : this.title,
      title: this.legacyTitle ?? this.title,
      description: this.description,
      priority: this.priority,
      required: this.required,
      tasks: this.tasks,
    });
    if (this.json) this.printJson(feature);
    else
      this.print(
        `Added ${feature.id} (${feature.priority}${feature.required ? ', required' : ''}, planned). Run \`br generate\` to refresh STATUS.md.`,
      );
    return 0;
  }
}
