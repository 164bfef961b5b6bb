import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class FeatureListCommand extends BrCommand {
  static override paths = [['feature', 'list']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'List the features in .buildrunner/features.json with priority and status',
    details: `
      Features are listed by priority (critical first), then id; the last lines show completion per
      priority. \`--json\` prints the features in file order.
    `,
    examples: [
      ['List features', '$0 feature list'],
      ['For scripts', '$0 feature list --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the features as JSON' });

  async execute(): Promise<number> {
    const { readFeatures } = await import('../../../services/features');
    const { projectRoot } = await import('../../../services/project-root');
    const { byPriorityThenId, summarize, completionText } = await import('../../../lib/features/status-md');
    const { PRIORITIES } = await import('../../../lib/features/schema');
    const { renderTable } = await import('../../render/table');
    const file = readFeatures(projectRoot(this.cwd));
    if (this.json) {
      this.printJson(file.features);
      return 0;
    }
    if (!file.features.length) {
      this.print('No features yet. Add one with `br feature add "Title" --priority high`.');
      return 0;
    }
    const sorted = [...file.features].sort(byPriorityThenId);
    this.print(
      renderTable(
        ['id', 'priority', 'status', 'required', 'title'],
        sorted.map((f) => [f.id, f.priority, f.status, f.required ? 'yes' : '', f.title]),
      ),
    );
    const s = summarize(file);
    this.print(
      `\nComplete by priority: ${PRIORITIES.map((p) => `${p} ${completionText(s.byPriority[p])}`).join(' · ')}`,
    );
    return 0;
  }
}
