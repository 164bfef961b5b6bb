import { Option } from 'clipanion';
import { BrCommand, Category } from '../base';

export class StatusCommand extends BrCommand {
  static override paths = [['status']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Summarize feature progress from .buildrunner/features.json, by status and priority',
    details: `
      Exits 1 when a required feature is not complete yet.
    `,
    examples: [
      ['Show progress', '$0 status'],
      ['For scripts', '$0 status --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the summary as JSON' });

  async execute(): Promise<number> {
    const { readFeatures } = await import('../../services/features');
    const { summarize, completionText } = await import('../../lib/features/status-md');
    const { PRIORITIES } = await import('../../lib/features/schema');
    const { projectRoot } = await import('../../services/project-root');
    const s = summarize(readFeatures(projectRoot(this.cwd)));
    const code = s.required.incomplete.length ? 1 : 0;
    if (this.json) {
      this.printJson(s);
      return code;
    }
    this.print(
      `${s.project ? `${s.project}: ` : ''}${s.complete}/${s.total} features complete (${s.percent}%), ${s.inProgress} in progress, ${s.planned} planned.`,
    );
    for (const p of PRIORITIES)
      if (s.byPriority[p].total) this.print(`  ${p.padEnd(8)}  ${completionText(s.byPriority[p])} complete`);
    this.print(`Required: ${s.required.complete}/${s.required.total} complete.`);
    if (s.required.incomplete.length) this.print(`Incomplete required: ${s.required.incomplete.join(', ')}`);
    return code;
  }
}
