import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class BuildStatusCommand extends BrCommand {
  static override paths = [
    ['build', 'status'],
    ['parallel', 'status'],
  ];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Show a build once: status, budget, ETA, and every task with model, attempt, cost and step',
    details: `
      \`br parallel status\` (the BuildRunner 3 name) runs this same command.
    `,
    examples: [
      ['Status of a build', '$0 build status build-shop-3f9a2c1d'],
      ['For scripts', '$0 build status build-shop-3f9a2c1d --json'],
    ],
  });

  id = Option.String({ name: 'build-id' });
  json = Option.Boolean('--json', false, {
    description: "Print the status as JSON: the progress snapshot, each task's current step, the forecast",
  });

  async execute(): Promise<number> {
    const [{ buildStatus }, { renderFrame }, { colorsEnabled }, { NO_WEB_UI }, { notificationLines }] =
      await Promise.all([
        import('../../../services/build-status'),
        import('../../render/progress'),
        import('../../colors'),
        import('../../../services/temporal-client'),
        import('../../../services/notify-report'),
      ]);
    const ctx = await this.serviceContext();
    const status = await buildStatus(ctx, this.id);
    const { gaps } = status;
    if (this.json) {
      this.printJson(status);
      return 0;
    }
    const out = this.context.stdout as { isTTY?: boolean; columns?: number };
    this.print(
      renderFrame(status, {
        color: colorsEnabled(ctx.env, out),
        maxRows: 500,
        width: out.columns ?? 120,
      }),
    );
    if (gaps) {
      this.print(gaps.headline);
      for (const f of gaps.high ?? []) this.print(`  high ${f.kind}: ${f.message}`);
    }
    if (status.recordedSpend) this.print(`Recorded cost: ${status.recordedSpend.line}`);
    if (status.notifications) for (const line of notificationLines(status.notifications)) this.print(line);
    this.print(`Web UI: ${status.webUiUrl ?? NO_WEB_UI}`);
    return 0;
  }
}
