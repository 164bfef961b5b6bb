import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class MaintenanceRetentionCommand extends BrCommand {
  static override paths = [['maintenance', 'retention']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Archive and delete telemetry events older than the retention window now, without Temporal',
    details: `
      Runs the same code as the daily \`retention-cleanup\` schedule: events older than
      \`retention.days\` (default 30) are written to a gzipped JSONL file under \`retention.archiveDir\`,
      flushed to disk, then deleted. An event exactly at the cut-off is kept. Cost rows and metrics
      rollups are never deleted. \`--dry-run\` only counts what would go.
    `,
    examples: [
      ['See what would be archived', '$0 maintenance retention --dry-run'],
      ['Archive and delete', '$0 maintenance retention'],
    ],
  });

  dryRun = Option.Boolean('--dry-run', false, { description: 'Count only; write and delete nothing' });
  days = Option.String('--days', {
    description: 'Override the retention window in days',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { retentionNow } = await import('../../../services/maintenance');
    const result = await retentionNow(await this.serviceContext(), { dryRun: this.dryRun, days: this.days });
    if (this.json) this.printJson(result);
    else if (result.dryRun)
      this.print(
        `Dry run: ${result.eventsDeleted} events older than ${result.cutoff} would be archived and deleted.`,
      );
    else if (result.archiveFile)
      this.print(
        `Archived ${result.eventsArchived} events older than ${result.cutoff} to ${result.archiveFile}; deleted ${result.eventsDeleted}.`,
      );
    else this.print(`No events older than ${result.cutoff}.`);
    return 0;
  }
}
