import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class BuildLogsCommand extends BrCommand {
  static override paths = [['build', 'logs']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Show what a build (or one of its tasks) did, from its workflow history',
    examples: [
      ["A build's history", '$0 build logs build-shop-3f9a2c1d'],
      ["One task's attempts", '$0 build logs build-shop-3f9a2c1d --task checkout-2'],
    ],
  });

  id = Option.String({ name: 'build-id' });
  task = Option.String('--task', { description: "Show this task's history instead" });
  json = Option.Boolean('--json', false, { description: 'Print the lines as JSON' });

  async execute(): Promise<number> {
    const [{ buildBackend }, { webUiLink }] = await Promise.all([
      import('../../../services/build-backend'),
      import('../../../services/temporal-client'),
    ]);
    const ctx = await this.serviceContext();
    const lines = await buildBackend(ctx).logs(ctx, this.id, { task: this.task });
    if (this.json) {
      this.printJson(lines);
      return 0;
    }
    const link = webUiLink(ctx, this.id);
    this.print(
      `Build ${this.id}${this.task ? `, task ${this.task}` : ''}${link ? ` — Web UI: ${link}` : ''}`,
    );
    for (const line of lines) {
      this.print(`${line.time.slice(11, 19)}  ${line.detail}`);
      if (line.hint) this.print(`          hint: ${line.hint}`);
    }
    if (lines.length === 0) this.print('No events yet.');
    return 0;
  }
}
