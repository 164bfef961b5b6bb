import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class DbMigrateCommand extends BrCommand {
  static override paths = [['db', 'migrate']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Apply pending database migrations (safe to run any number of times)',
    details: `
      Applies the migrations shipped with this version of BuildRunner to the embedded database
      (\`.buildrunner/db\`) or to the PostgreSQL server named by \`DATABASE_URL\`. Each migration runs in
      one transaction; running it again when nothing is pending changes nothing.
    `,
    examples: [
      ['Migrate the embedded database', '$0 db migrate'],
      ['Migrate a shared PostgreSQL', 'DATABASE_URL=postgresql://br@db/buildrunner $0 db migrate'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { dbMigrate } = await import('../../../services/db');
    const result = await dbMigrate(await this.serviceContext());
    if (this.json) this.printJson(result);
    else if (result.applied.length === 0)
      this.print(`${result.database}: up to date (${result.alreadyApplied} migrations applied earlier).`);
    else this.print(`${result.database}: applied ${result.applied.join(', ')}.`);
    return 0;
  }
}
