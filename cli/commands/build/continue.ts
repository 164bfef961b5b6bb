import { Option } from 'clipanion';
import { isPositiveUsdOption } from '../../../lib/usd';
import { BrCommand, Category } from '../../base';

export class BuildContinueCommand extends BrCommand {
  static override paths = [['build', 'continue']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description:
      'Continue a build that ended FAILED, PARTIAL, BUDGET_EXHAUSTED or CANCELLED: merged tasks are kept and not paid for again',
    details: `
      Starts a new run of the build on its existing build branch. Tasks merged by an earlier run are kept
      and never run again; failed, blocked and never-started tasks run (\`--only\` narrows that set).
      The spent total carries over; \`--budget\` is what may still be spent (default: budget.defaultUsd).
      \`--model\` makes the tasks that run again start on that model's tier. A build that merged every task
      but did not deliver (its delivery gate rejected or timed out, its delivery refused) runs no task: it
      goes to delivery again, through the delivery gate when one is configured. A running or succeeded
      build is refused, and nothing is started.
    `,
    examples: [
      ['Continue a PARTIAL build with $5 more', '$0 build continue build-shop-3f9a2c1d --budget 5'],
      [
        'Run only two tasks again, on Sonnet',
        '$0 build continue build-shop-3f9a2c1d --only cart,checkout --model claude-sonnet-5-5',
      ],
    ],
  });

  id = Option.String({ name: 'build-id' });
  budget = Option.String('--budget', {
    description: 'USD that may still be spent, e.g. 5 or 12.50',
    validator: isPositiveUsdOption('5 or 12.50'),
  });
  only = Option.String('--only', { description: 'Comma-separated task ids: run only these again' });
  model = Option.String('--model', { description: 'First model of the tasks that run again' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { continueBuild } = await import('../../../services/build-continue');
    const ctx = await this.serviceContext();
    const only = this.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const result = await continueBuild(ctx, {
      buildId: this.id,
      ...(this.budget ? { budgetUsd: this.budget } : {}),
      ...(only ? { only } : {}),
      ...(this.model ? { model: this.model } : {}),
    });
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    this.print(
      `Continued build ${result.buildId} (it ended ${result.previousOutcome}): new run ${result.runId}.`,
    );
    this.print(`  Kept (merged, not run again): ${result.kept.join(', ') || 'none'}`);
    this.print(
      `  Running again: ${result.run.join(', ') || 'none: every task is merged; the build goes to its delivery again'}`,
    );
    this.print(`  Spent so far $${result.spentUsd}; budget now $${result.budgetUsd}.`);
    this.print(`  Watch it: br build watch ${result.buildId}`);
    if (result.webUiUrl) this.print(`  Web UI: ${result.webUiUrl}`);
    return 0;
  }
}
