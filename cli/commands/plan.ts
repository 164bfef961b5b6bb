import { Option, UsageError } from 'clipanion';
import { BrCommand, Category } from '../base';

export class PlanCommand extends BrCommand {
  static override paths = [['plan']];
  static override usage = BrCommand.Usage({
    category: Category.planning,
    description: 'Show the tasks, dependencies, complexity, chosen model and cost forecast for a spec',
    details: `
      Plans the spec without starting a build. With an ANTHROPIC_API_KEY Claude does the planning
      (one call, recorded as a cost row); without one the offline heuristic planner is used and a note
      says so. \`--heuristic-plan\` and \`--ai-plan\` choose explicitly. Complexity comes from the
      heuristic estimator unless \`--ai-estimate\` asks Claude (a small model). Each task gets the model
      a build would start it on and a cost range; the total forecast states its token assumptions.
      \`--out plan.json\` writes the plan with its hash; \`br build start --plan plan.json\` builds exactly
      that plan. Claude calls follow the build's fallback policy (waits are shown on stderr).
    `,
    examples: [
      ['Plan a spec', '$0 plan PROJECT_SPEC.md'],
      ['Offline, no API key needed', '$0 plan PROJECT_SPEC.md --heuristic-plan'],
      ['Claude plans and estimates', '$0 plan PROJECT_SPEC.md --ai-plan --ai-estimate'],
      ['Review, then build exactly this plan', '$0 plan PROJECT_SPEC.md --out plan.json'],
      ['For scripts', '$0 plan PROJECT_SPEC.md --json'],
      ['How the spec was read', '$0 plan PROJECT_SPEC.md --heuristic-plan --explain'],
    ],
  });

  spec = Option.String({ name: 'spec' });
  heuristicPlan = Option.Boolean('--heuristic-plan', false, {
    description: 'Use the offline heuristic planner',
  });
  aiPlan = Option.Boolean('--ai-plan', false, {
    description: 'Use the Claude planner (needs ANTHROPIC_API_KEY)',
  });
  aiEstimate = Option.Boolean('--ai-estimate', false, { description: 'Estimate complexity with Claude' });
  out = Option.String('--out', {
    description: 'Write the plan and its hash to this file, for `br build start --plan`',
  });
  json = Option.Boolean('--json', false, { description: 'Print the plan report as JSON' });
  explain = Option.Boolean('--explain', false, {
    description:
      'Say how the heuristic planner read each section of the spec (task, skipped and why, dependency)',
  });

  async execute(): Promise<number> {
    if (this.heuristicPlan && this.aiPlan)
      throw new UsageError(
        'Choose one of --heuristic-plan and --ai-plan (or neither, to use Claude when a key is set).',
      );
    const { planSpec } = await import('../../services/plan');
    const report = await planSpec(await this.serviceContext(), {
      specPath: this.spec,
      planner: this.heuristicPlan ? 'heuristic' : this.aiPlan ? 'claude' : undefined,
      aiEstimate: this.aiEstimate,
      outPath: this.out,
      notice: (line) => this.printError(line),
      explain: this.explain,
    });
    if (this.json) {
      this.printJson(report);
      return 0;
    }
    if (report.note) this.printError(report.note);
    this.print(
      `Plan for ${report.project} from ${report.specPath} (${report.planner} planner, ${report.estimator} estimates): ${report.tasks.length} task(s)`,
    );
    this.print();
    if (report.explain) {
      this.print('How the spec was read:');
      if (report.planner !== 'heuristic')
        this.print('  (Claude planned this spec; --explain covers the heuristic planner only.)');
      for (const r of report.explain)
        this.print(
          `  ${r.line ? `line ${r.line}` : 'whole spec'}  ${r.section}: ${r.reading}${r.tasks?.length ? ` → ${r.tasks.join(', ')}` : ''}`,
        );
      this.print();
    }
    // Dependencies by row number: task ids are long, and a table wider than the terminal wraps.
    const rowOf = new Map(report.tasks.map((t, i) => [t.id, String(i + 1)]));
    const rows = [
      ['#', 'ID', 'TITLE', 'AFTER #', 'COMPLEXITY', 'MODEL', 'COST (USD)'],
      ...report.tasks.map((t, i) => [
        String(i + 1),
        t.id,
        t.title.length > 40 ? `${t.title.slice(0, 39)}…` : t.title,
        t.dependsOn.map((d) => rowOf.get(d) ?? d).join(',') || '-',
        `${t.complexity} (${t.score})`,
        t.model,
        `${t.costUsd.low} – ${t.costUsd.high}`,
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows)
      this.print(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    this.print();
    this.print(
      `Forecast: $${report.forecast.low} – $${report.forecast.high} (prices ${report.priceTableVersion})`,
    );
    this.print(`  ${report.forecast.assumptions}`);
    if (report.spentUsd !== '0') this.print(`Planning itself cost $${report.spentUsd}.`);
    this.print(`Plan hash: ${report.planHash}`);
    if (report.planFile)
      this.print(
        `Wrote ${report.planFile}; build exactly this plan with \`br build start ${report.specPath} --plan ${report.planFile}\`.`,
      );
    this.print('For a time forecast, run `br build simulate` on the same spec.');
    return 0;
  }
}
