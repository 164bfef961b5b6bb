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
    const { assertScheduleId, triggerSchedule, withTemporalClient } =
      await import('../../../worker/schedules');
    const id = assertScheduleId(this.schedule);
    const ctx = await this.serviceContext();
    await withTemporalClient(ctx.config, (client) => triggerSchedule(client, id));
    this.print(`${id}: triggered.`);
    return 0;
  }
}
