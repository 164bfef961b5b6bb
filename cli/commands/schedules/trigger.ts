import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class SchedulesTriggerCommand extends BrCommand {
  static override paths = [['schedules', 'trigger']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Start one run of a schedule now',
    details: `
      The schedule's overlap policy still applies: if a run is in progress, nothing new starts. To run
      the same work without Temporal, use \`br maintenance aggregate\` or \`br maintenance retention\`.
    `,
    examples: [['Roll up metrics now', '$0 schedules trigger metrics-aggregation']],
  });

  schedule = Option.String({ name: 'schedule' });

  async execute(): Promise<number> {
    const { triggerScheduleNow } = await import('../../../services/schedules');
    const id = await triggerScheduleNow(await this.serviceContext(), this.schedule);
    this.print(`${id}: triggered.`);
    return 0;
  }
}
