import { Option } from 'clipanion';
import * as t from 'typanion';
import { isPositiveUsdOption } from '../../../lib/usd';
import { BrCommand, Category } from '../../base';

export class BuildStartCommand extends BrCommand {
  static override paths = [
    ['build', 'start'],
    ['parallel', 'start'],
  ];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Start a build of a spec on Temporal (or attach to the same build if it is already running)',
    details: `
      Plans the spec by the same rule as \`br plan\` (Claude when ANTHROPIC_API_KEY is set, unless
      --heuristic-plan), or takes exactly the plan in \`--plan plan.json\` (written by \`br plan --out\`), and
      prints the plan's hash. The plan goes into the build as it is, then every task runs as a child workflow: worktree, Claude agent, commit through the repository's hooks, verification, merge
      into the build branch \`br/<build id>\`. The build id is derived from the project, the spec and the
      base branch, so starting the same build twice attaches to the running one.

      The repository travels by git: with a remote (\`origin\`, or \`--repo\`), every worker fetches it into
      its own cache clone and the build branch is pushed there; fetch it to see the result. A warning
      says when your local base branch has commits the remote lacks. Without a remote, or with
      \`--local\`, the build works on this checkout, and every worker must run on this machine. Needs a Temporal server
      (\`br dev\`, docker compose, or TEMPORAL_ADDRESS) with \`br worker\` running, and ANTHROPIC_API_KEY on the workers.

      \`br parallel start\` (the BuildRunner 3 name) runs this same command.
    `,
    examples: [
      ['Start and follow a build', '$0 build start PROJECT_SPEC.md --budget 20 --parallel 4 --watch'],
      ['Build the plan reviewed with `br plan --out plan.json`', '$0 build start spec.md --plan plan.json'],
      ['Plan offline, from the develop branch', '$0 build start spec.md --heuristic-plan --base develop'],
      ['Build on a shared remote', '$0 build start spec.md --repo git@github.com:acme/shop.git'],
    ],
  });

  spec = Option.String({ name: 'spec' });
  budget = Option.String('--budget', {
    description: 'Budget in USD (default from config)',
    validator: isPositiveUsdOption(),
  });
  parallel = Option.String('--parallel', {
    description: 'Tasks at once (default from config)',
    validator: t.cascade(t.isNumber(), t.isInteger(), t.isAtLeast(1)),
  });
  base = Option.String('--base', 'main', { description: 'Base branch the build branch starts from' });
  repo = Option.String('--repo', {
    description:
      "The build's repository: a git URL (ssh, https, file://), a remote name, or . for this checkout as file:// (default: origin)",
  });
  local = Option.Boolean('--local', false, {
    description: 'Build on this checkout itself (every worker on this machine), even when it has a remote',
  });
  planFile = Option.String('--plan', { description: 'Build exactly this plan file (from `br plan --out`)' });
  aiPlan = Option.Boolean('--ai-plan', false, {
    description: 'Plan with Claude (the default when ANTHROPIC_API_KEY is set)',
  });
  heuristicPlan = Option.Boolean('--heuristic-plan', false, {
    description: 'Plan offline from headings and checklists (the default without a key)',
  });
  aiEstimate = Option.Boolean('--ai-estimate', false, { description: 'Estimate complexity with Claude' });
  engine = Option.String('--engine', {
    description: 'Coding agent: builtin or claude-code (default: agent.engine in the config)',
    validator: t.isEnum(['builtin', 'claude-code'] as const),
  });
  watch = Option.Boolean('--watch', false, { description: 'Follow the build and exit with its outcome' });
  json = Option.Boolean('--json', false, { description: 'Print the started build as JSON' });

  async execute(): Promise<number> {
    if (this.aiPlan && this.heuristicPlan) {
      throw new (await import('clipanion')).UsageError('Choose one of --ai-plan and --heuristic-plan.');
    }
    const { buildBackend, startSummary } = await import('../../../services/build-backend');
    const ctx = await this.serviceContext();
    const backend = buildBackend(ctx);
    const { planForBuild } = await import('../../../services/build-plan');
    const planned = await planForBuild(ctx, {
      specPath: this.spec,
      planFile: this.planFile,
      planner: this.aiPlan ? 'claude' : this.heuristicPlan ? 'heuristic' : undefined,
      notice: (line) => this.printError(line),
    });
    if (planned.note && !this.json) this.printError(planned.note);
    const started = await backend.start(ctx, {
      specPath: this.spec,
      budgetUsd: this.budget,
      parallel: this.parallel,
      baseBranch: this.base,
      ...(this.repo ? { repo: this.repo } : {}),
      ...(this.local ? { local: true } : {}),
      planner: planned.planner,
      plan: planned.plan,
      planningCostUsd: planned.spentUsd,
      estimator: this.aiEstimate ? 'ai' : 'heuristic',
      ...(this.engine ? { engine: this.engine } : {}),
    });
    const summary = startSummary(started, planned);
    if (summary.warnings.length && !this.json) {
      const { failureLines } = await import('../../render/failure');
      for (const w of summary.warnings) this.printError(failureLines(w).join('\n'));
    }
    if (this.json && !this.watch) {
      this.printJson(summary);
      return 0;
    }
    if (!this.json) {
      this.print(`${started.attached ? 'Attached to running build' : 'Started build'} ${started.buildId}`);
      this.print(
        `  build branch ${summary.buildBranch}, budget $${summary.budgetUsd}, parallel ${summary.parallel}`,
      );
      if (summary.repoUrl)
        this.print(
          `  repository ${summary.repoUrl} (fetch ${summary.buildBranch} from there to see the result)`,
        );
      const from = planned.source === 'file' ? ` from ${this.planFile}` : '';
      this.print(
        `  plan ${planned.planHash} (${planned.planner} planner${from}, ${summary.tasks} task(s))` +
          (planned.spentUsd !== '0' ? `, planning cost $${planned.spentUsd}` : ''),
      );
      if (started.webUiUrl) this.print(`  Web UI: ${started.webUiUrl}`);
    }
    if (!this.watch) {
      this.print(`Follow it with: br build watch ${started.buildId}`);
      return 0;
    }
    const { watchBuild } = await import('../../render/watch-build');
    const { colorsEnabled } = await import('../../colors');
    return watchBuild(ctx, started.buildId, {
      stdout: this.context.stdout,
      stderr: this.context.stderr,
      color: colorsEnabled(ctx.env, this.context.stdout as { isTTY?: boolean }),
      json: this.json,
    });
  }
}
