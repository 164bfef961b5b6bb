import { Option, UsageError } from 'clipanion';
import { isPositiveUsdOption } from '../../../lib/usd';
import { BrCommand, Category } from '../../base';

export class BuildSimulateCommand extends BrCommand {
  static override paths = [['build', 'simulate']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Forecast makespan, cost range and escalations of a build before spending anything',
    details: `
      Plans the spec with the offline heuristic planner and estimator, then runs the real build logic
      (scheduler, routing, fallback, budget breaker) many times on an in-process virtual clock with a
      simulated agent. Nothing calls Claude and no cost is recorded.

      The simulated agent is a set of stated assumptions (success probability per tier and complexity,
      failure mix, minutes and tokens per attempt); they are printed with the figures, and \`--json\`
      includes them. Treat the result as a forecast under those assumptions, not a measurement.
    `,
    examples: [
      ['Forecast a build', '$0 build simulate PROJECT_SPEC.md'],
      [
        'With 8 workers and a $10 budget, 500 runs',
        '$0 build simulate PROJECT_SPEC.md --parallel 8 --budget 10 --runs 500',
      ],
      ['For scripts', '$0 build simulate PROJECT_SPEC.md --json'],
    ],
  });

  spec = Option.String({ name: 'spec' });
  parallel = Option.String('--parallel', {
    description: 'Tasks running at once (default: config "parallel")',
  });
  budget = Option.String('--budget', {
    description: 'Budget in USD (default: config budget.defaultUsd)',
    validator: isPositiveUsdOption(),
  });
  runs = Option.String('--runs', '100', { description: 'Monte-Carlo runs' });
  seed = Option.String('--seed', '1', { description: 'Random seed (same seed, same forecast)' });
  json = Option.Boolean('--json', false, { description: 'Print the forecast as JSON' });

  async execute(): Promise<number> {
    const int = (name: string, value: string | undefined) => {
      if (value === undefined) return undefined;
      if (!/^\d+$/.test(value)) throw new UsageError(`${name} expects a whole number, got "${value}".`);
      return Number(value);
    };
    const { simulateSpec } = await import('../../../services/simulate');
    const report = await simulateSpec(await this.serviceContext(), {
      specPath: this.spec,
      parallel: int('--parallel', this.parallel),
      budgetUsd: this.budget,
      runs: int('--runs', this.runs),
      seed: int('--seed', this.seed),
    });
    if (this.json) {
      this.printJson(report);
      return 0;
    }
    const p = report.plan;
    const levels = Object.entries(p.byComplexity)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    this.print(
      `Forecast for ${report.project} (${report.specPath}): ${report.runs} simulated runs, parallel ${report.parallel}, budget $${report.budgetUsd}`,
    );
    this.print(
      `Plan:        ${p.tasks} tasks in ${p.features} features, ${p.dependencies} dependencies, longest chain ${p.criticalPathTasks} tasks (${levels})`,
    );
    this.print(`Makespan:    p50 ${report.makespanMinutes.p50} min, p90 ${report.makespanMinutes.p90} min`);
    this.print(
      `Cost:        $${report.costUsd.p10}–$${report.costUsd.p90} (p10–p90), median $${report.costUsd.p50}`,
    );
    this.print(
      `Escalations: ${report.expectedEscalations} model changes per build expected; ${report.attemptsPerTask} attempts per task`,
    );
    const outcomes = Object.entries(report.outcomes)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    this.print(`Outcomes:    ${outcomes}`);
    this.print();
    const a = report.assumptions;
    this.print('Assumptions (not measurements):');
    for (const [tier, byLevel] of Object.entries(a.successByTier))
      this.print(
        `  ${tier.padEnd(7)} success ${Object.entries(byLevel)
          .map(([l, v]) => `${l} ${Math.round(v * 100)}%`)
          .join(', ')}; repair attempts +${Math.round(a.repairBonus * 100)}%`,
      );
    this.print(
      `  failures: ${a.failureMix.map((f) => `${f.type} ${Math.round(f.share * 100)}%`).join(', ')}`,
    );
    this.print(
      `  minutes per attempt at sonnet speed: ${Object.entries(a.minutesPerAttemptAtSonnetSpeed)
        .map(([l, v]) => `${l} ${v}`)
        .join(', ')}; ${a.durationJitter}`,
    );
    this.print(
      `  tokens per attempt (input/output): ${Object.entries(a.tokensPerAttempt)
        .map(([l, v]) => `${l} ${v.input / 1000}k/${v.output / 1000}k`)
        .join(', ')}; ${Math.round(a.cachedInputShare * 100)}% of input is cache reads`,
    );
    this.print(
      `  each attempt is priced request by request: the first prompt ~${a.requests.firstPromptTokens / 1000}k tokens, ` +
        `growing ~${a.requests.promptGrowthPerTurn / 1000}k per turn`,
    );
    return 0;
  }
}
