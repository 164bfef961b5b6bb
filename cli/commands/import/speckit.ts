import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class ImportSpeckitCommand extends BrCommand {
  static override paths = [['import', 'speckit']];
  static override usage = BrCommand.Usage({
    category: Category.planning,
    description: 'Import a Spec Kit tasks.md as a plan file and features',
    details: `
      Reads the T001 task lines, [P] markers (tasks that may run beside the others of their phase), phases (each waits for the one before) and the Dependencies section ("T008 blocks T009", "Tests (T004-T006) before implementation (T007-T013)"); file paths in a task become its file claims.
      A dry run unless \`--apply\`; the source file is never changed. The plan file is what
      \`br build start <source> --plan <file>\` builds exactly; a ledger of source ids beside it makes a
      re-run a no-op and a changed source update only what changed. A cycle, a dependency on a missing
      task, duplicate ids or a file that does not parse is refused naming the file and the task, and
      nothing is written.
    `,
    examples: [
      ['See what would be imported', '$0 import speckit specs/001-photo-albums/tasks.md'],
      ['Write the plan and the features', '$0 import speckit specs/001-photo-albums/tasks.md --apply'],
    ],
  });

  source = Option.String({ name: 'source' });
  apply = Option.Boolean('--apply', false, {
    description: 'Write the plan file, features.json and the ledger',
  });
  out = Option.String('--out', {
    description: 'Plan file path (default .buildrunner/imports/speckit.plan.json)',
  });

  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const { importTasks } = await import('../../../services/importer');
    const { renderImport } = await import('../../render/import-report');
    const report = importTasks(await this.serviceContext(), {
      format: 'speckit',
      sourcePath: this.source,
      apply: this.apply,
      ...(this.out ? { outPath: this.out } : {}),
    });
    if (this.json) this.printJson(report);
    else this.print(renderImport(report));
    return 0;
  }
}
