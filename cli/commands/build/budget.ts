import { Option } from 'clipanion';
import { isPositiveUsdOption } from '../../../lib/usd';
import { BrCommand, Category } from '../../base';

export class BuildBudgetCommand extends BrCommand {
  static override paths = [['build', 'budget']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: "Raise a build's budget; a build stopped at 100 % resumes starting tasks",
    examples: [['Add $10 to a build', '$0 build budget build-shop-3f9a2c1d --raise 10']],
  });

  id = Option.String({ name: 'build-id' });
  raise = Option.String('--raise', {
    required: true,
    description: 'USD to add, e.g. 10 or 12.50',
    validator: isPositiveUsdOption('5 or 12.50'),
  });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { buildBackend } = await import('../../../services/build-backend');
    const ctx = await this.serviceContext();
    const result = await buildBackend(ctx).raiseBudget(ctx, this.id, this.raise);
    if (this.json) this.printJson(result);
    else {
      this.print(`Raised the budget of ${this.id} by $${result.raisedUsd}.`);
      if (result.state)
        this.print(
          `  Budget now $${result.state.budget.limitUsd}: $${result.state.budget.spentUsd} spent, ` +
            `$${result.state.budget.leftUsd} left; build ${result.state.status.toLowerCase()}`,
        );
      if (result.webUiUrl) this.print(`  Web UI: ${result.webUiUrl}`);
    }
    return 0;
  }
}
