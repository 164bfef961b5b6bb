import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class FeatureListCommand extends BrCommand {
  static override paths = [['feature', 'list']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'List the features in .buildrunner/features.json',
    examples: [
      ['List features', '$0 feature list'],
      ['For scripts', '$0 feature list --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the features as JSON' });

  async execute(): Promise<number> {
    const { readFeatures } = await import('../../../lib/features/store');
    const { projectRoot } = await import('../../../lib/features/root');
    const { features } = readFeatures(projectRoot(process.cwd()));
    if (this.json) {
      this.printJson(features);
      return 0;
    }
    if (!features.length) this.print('No features yet. Add one with `br feature add <id> <title>`.');
    const width = Math.max(0, ...features.map((f) => f.id.length));
    for (const f of features)
      this.print(
        `${f.id.padEnd(width)}  ${f.status.padEnd(11)}  ${f.required ? 'required' : '        '}  ${f.title}`,
      );
    return 0;
  }
}
