import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class DbStatusCommand extends BrCommand {
  static override paths = [['db', 'status']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Show which database is used and which migrations are applied or pending',
    details: `
      Exits 1 when migrations are pending, failed, or were changed after they were applied.
    `,
    examples: [
      ['Show the migration state', '$0 db status'],
      ['For scripts', '$0 db status --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the status as JSON' });

  async execute(): Promise<number> {
    const { dbStatus } = await import('../../../services/db');
    const status = await dbStatus(await this.serviceContext());
    if (this.json) {
      this.printJson(status);
      return status.upToDate ? 0 : 1;
    }
    this.print(`Database: ${status.database}`);
    this.print(`Applied:  ${status.applied.length ? status.applied.join(', ') : 'none'}`);
    if (status.pending.length) this.print(`Pending:  ${status.pending.join(', ')}  → run \`br db migrate\``);
    if (status.failed.length) this.print(`Failed:   ${status.failed.join(', ')}  → see prisma/README.md`);
    if (status.modified.length)
      this.print(`Changed after applying: ${status.modified.join(', ')}  → see prisma/README.md`);
    if (status.unknown.length) this.print(`Unknown to this version: ${status.unknown.join(', ')}`);
    if (status.upToDate) this.print('Up to date.');
    return status.upToDate ? 0 : 1;
  }
}
