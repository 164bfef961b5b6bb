import { Option, UsageError } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class FeatureCompleteCommand extends BrCommand {
  static override paths = [['feature', 'complete']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Mark features complete (or set another status with --status)',
    details: `
      Statuses: planned, in_progress, complete. Features already in that status are left untouched.
      Ids are matched ignoring case (\`f001\` finds \`F001\`).
    `,
    examples: [
      ['Mark a feature complete', '$0 feature complete gap-analyzer'],
      ['Mark two features in progress', '$0 feature complete login signup --status in_progress'],
    ],
  });

  ids = Option.Rest({ required: 1 });
  status = Option.String('--status', 'complete', { description: 'planned | in_progress | complete' });
  json = Option.Boolean('--json', false, { description: 'Print the changed features as JSON' });

  async execute(): Promise<number> {
    const { featureStatus } = await import('../../../lib/features/schema');
    const { setFeatureStatus } = await import('../../../services/features');
    const { projectRoot } = await import('../../../services/project-root');
    const status = featureStatus.safeParse(this.status);
    if (!status.success)
      throw new UsageError(`Unknown status "${this.status}": use planned, in_progress or complete.`);
    const changed = setFeatureStatus(projectRoot(this.cwd), this.ids, status.data);
    if (this.json) this.printJson(changed);
    else
      this.print(
        changed.length ? `Marked ${status.data}: ${changed.map((f) => f.id).join(', ')}` : 'Nothing changed.',
      );
    return 0;
  }
}
