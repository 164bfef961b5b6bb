import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class SchedulesApplyCommand extends BrCommand {
  static override paths = [['schedules', 'apply']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Create or update the metrics-aggregation and retention-cleanup Temporal schedules',
    details: `
      Creates each schedule, or updates it in place when it already exists (safe to run any number of
      times; a paused schedule stays paused). \`metrics-aggregation\` runs hourly at five past,
      \`retention-cleanup\` daily at 03:30 UTC with the retention window from the config. Both skip a
      run while the previous one is still going. The worker applies them on start too.
    `,
    examples: [
      ['Apply the schedules', '$0 schedules apply'],
      ['Against another cluster', 'TEMPORAL_ADDRESS=temporal.internal:7233 $0 schedules apply --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { applyAllSchedules } = await import('../../../services/schedules');
    const result = await applyAllSchedules(await this.serviceContext());
    if (this.json) this.printJson(result);
    else for (const r of result) this.print(`${r.scheduleId}: ${r.outcome}`);
    return 0;
  }
}
