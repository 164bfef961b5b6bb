import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class MaintenanceAggregateCommand extends BrCommand {
  static override paths = [['maintenance', 'aggregate']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Fold newly recorded events and cost rows into the metrics rollups now, without Temporal',
    details: `
      Runs the same code as the hourly \`metrics-aggregation\` schedule: only the hours touched since the
      last run are recomputed (and their days and weeks), so running it again changes nothing.
    `,
    examples: [['Bring `br metrics` up to date', '$0 maintenance aggregate']],
  });

  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { aggregateNow } = await import('../../../services/maintenance');
    const result = await aggregateNow(await this.serviceContext());
    if (this.json) this.printJson(result);
    else
      this.print(
        `Read ${result.eventsRead} events and ${result.costRowsRead} cost rows; ` +
          `wrote ${result.hourBuckets} hour, ${result.dayBuckets} day and ${result.weekBuckets} week buckets.`,
      );
    return 0;
  }
}
