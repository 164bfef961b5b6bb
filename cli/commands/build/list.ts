import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class BuildListCommand extends BrCommand {
  static override paths = [['build', 'list']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'List builds, newest first, optionally by status or project',
    examples: [
      ['Running builds', '$0 build list --status running'],
      ['Builds of one project, as JSON', '$0 build list --project shop --json'],
    ],
  });

  status = Option.String('--status', { description: 'running, completed, failed, cancelled or terminated' });
  project = Option.String('--project', { description: 'Only builds of this project' });
  limit = Option.String('--limit', '50', {
    description: 'At most this many builds',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 10_000)]),
  });
  json = Option.Boolean('--json', false, { description: 'Print the list as JSON' });

  async execute(): Promise<number> {
    const [{ buildBackend }, { renderTable }] = await Promise.all([
      import('../../../services/build-backend'),
      import('../../render/table'),
    ]);
    const ctx = await this.serviceContext();
    const builds = await buildBackend(ctx).list(ctx, {
      status: this.status,
      project: this.project,
      limit: this.limit,
    });
    if (this.json) {
      this.printJson(builds);
      return 0;
    }
    if (builds.length === 0) {
      this.print('No builds found. Start one with `br build start PROJECT_SPEC.md`.');
      return 0;
    }
    this.print(
      renderTable(
        ['build', 'project', 'status', 'outcome', 'started'],
        builds.map((b) => [
          b.workflowId,
          b.project ?? '-',
          b.status,
          b.outcome ?? '-',
          b.startTime.slice(0, 19).replace('T', ' '),
        ]),
      ),
    );
    const { webUiWorkflowsLink, NO_WEB_UI } = await import('../../../services/temporal-client');
    this.print(`\nWeb UI: ${webUiWorkflowsLink(ctx) ?? NO_WEB_UI}`);
    return 0;
  }
}
