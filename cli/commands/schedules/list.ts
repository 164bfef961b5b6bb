import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class SchedulesListCommand extends BrCommand {
  static override paths = [['schedules', 'list']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Show the maintenance schedules: paused or not, next and recent runs',
    details: `
      Exits 1 when a schedule is missing (run \`br schedules apply\`).
    `,
    examples: [
      ['List the schedules', '$0 schedules list'],
      ['For scripts', '$0 schedules list --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the schedules as JSON' });

  async execute(): Promise<number> {
    const [{ scheduleStatuses }, { renderTable }] = await Promise.all([
      import('../../../services/schedules'),
      import('../../render/table'),
    ]);
    const schedules = await scheduleStatuses(await this.serviceContext());
    if (this.json) this.printJson(schedules);
    else
      this.print(
        renderTable(
          ['schedule', 'state', 'next run', 'last run', 'note'],
          schedules.map((s) => [
            s.scheduleId,
            !s.exists ? 'missing' : s.paused ? 'paused' : 'active',
            s.nextRuns[0] ?? '-',
            s.recentRuns.at(-1)?.scheduledAt ?? '-',
            s.note ?? '',
          ]),
        ),
      );
    return schedules.every((s) => s.exists) ? 0 : 1;
  }
}
