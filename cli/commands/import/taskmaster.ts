import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class ImportTaskmasterCommand extends BrCommand {
  static override paths = [['import', 'taskmaster']];
  static override usage = BrCommand.Usage({
    category: Category.planning,
    description: 'Import a Task Master tasks.json as a plan file and features',
    details: `
      Reads the legacy \`{ "tasks": [...] }\` and the tagged \`{ "<tag>": { "tasks": [...] } }\` formats (\`--tag\`, default master): subtasks, dependencies, priorities, details and testStrategy; statuses through a fixed table (done tasks are not planned, their dependants do not wait); unknown fields are kept and reported.
      A dry run unless \`--apply\`; the source file is never changed. The plan file is what
      \`br build start <source> --plan <file>\` builds exactly; a ledger of source ids beside it makes a
      re-run a no-op and a changed source update only what changed. A cycle, a dependency on a missing
      task, duplicate ids or a file that does not parse is refused naming the file and the task, and
      nothing is written.
    `,
    examples: [
      ['See what would be imported', '$0 import taskmaster .taskmaster/tasks/tasks.json'],
      ['Write the plan and the features', '$0 import taskmaster .taskmaster/tasks/tasks.json --apply'],
    ],
  });

  source = Option.String({ name: 'source' });
  apply = Option.Boolean('--apply', false, {
    description: 'Write the plan file, features.json and the ledger',
  });
  out = Option.String('--out', {
    description: 'Plan file path (default .buildrunner/imports/taskmaster.plan.json)',
  });
  tag = Option.String('--tag', { description: 'Which tag of a tagged tasks.json (default master)' });
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const { importTasks } = await import('../../../services/importer');
    const { renderImport } = await import('../../render/import-report');
    const report = importTasks(await this.serviceContext(), {
      format: 'taskmaster',
      sourcePath: this.source,
      apply: this.apply,
      ...(this.out ? { outPath: this.out } : {}),
      ...(this.tag ? { tag: this.tag } : {}),
    });
    if (this.json) this.printJson(report);
    else this.print(renderImport(report));
    return 0;
  }
}
