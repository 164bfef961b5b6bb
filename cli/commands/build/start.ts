import { Option } from 'clipanion';
import * as t from 'typanion';
import { isPositiveUsdOption } from '../../../lib/usd';
import type { StartSummary } from '../../../services/build-backend';
import { BrCommand, Category } from '../../base';

export class BuildStartCommand extends BrCommand {
  static override paths = [
    ['build', 'start'],
    ['parallel', 'start'],
  ];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description:
      'Start a build of a spec on Temporal; the same build again attaches to it, or reports how it ended',
    details: `
      Returns as soon as Temporal has the build. The planner is chosen by the same rule as \`br plan\`
      (Claude when ANTHROPIC_API_KEY is set, unless --heuristic-plan). With Claude the build plans
      itself: its status is PLANNING until the plan is made, then the plan and forecast show in
      \`br build status\`. The heuristic planner runs here and its plan hash is printed; \`--plan plan.json\`
      (written by \`br plan --out\`) builds exactly that plan. Every task runs as a child workflow: worktree,
      Claude agent, commit through the repository's hooks, verification, merge into the build branch
      \`br/<build id>\`.

      The build id is derived from the project, the spec and the base branch, so a start never pays twice:
      while that build runs, starting it again attaches to it; once it has ended, starting it again
      prints its outcome and starts nothing. \`--rebuild\` builds it again from scratch.

      The repository travels by git: with a remote (\`origin\`, or \`--repo\`), every worker fetches it into
      its own cache clone and the build branch is pushed there; fetch it to see the result. A warning
      says when your local base branch has commits the remote lacks. Without a remote, or with
      \`--local\`, the build works on this checkout, and every worker must run on this machine. Needs a Temporal server
      (\`br dev\`, docker compose, or TEMPORAL_ADDRESS) with \`br worker\` running, and ANTHROPIC_API_KEY on the workers.

      Tasks that edit the same file need not be listed in the spec: a merge conflict is first resolved by
      Claude in the merge worktree (its answer must pass the hooks and the verification); only if that
      fails is the task redone, once, with nothing able to change the file before its merge (no attempt
      starts beside it, other resolutions wait for it), so it cannot conflict again; once a file's
      resolutions mostly fail, the build's later attempts run one at a time (README: "Tasks that share
      files" and the MERGE_CONFLICT row of the failure table).

      \`br parallel start\` (the BuildRunner 3 name) runs this same command.
    `,
    examples: [
      ['Start and follow a build', '$0 build start PROJECT_SPEC.md --budget 20 --parallel 4 --watch'],
      ['Build the plan reviewed with `br plan --out plan.json`', '$0 build start spec.md --plan plan.json'],
      ['Plan offline, from the develop branch', '$0 build start spec.md --heuristic-plan --base develop'],
      ['Build on a shared remote', '$0 build start spec.md --repo git@github.com:acme/shop.git'],
      ['Build a spec again after its build ended', '$0 build start spec.md --rebuild'],
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
  rebuild = Option.Boolean('--rebuild', false, {
    description:
      'Build again from scratch when the same build already ended (every task runs and is paid for again)',
  });
  approvePlan = Option.Boolean('--approve-plan', false, {
    description: 'Wait after planning for `br build approve` (or reject) before any task runs',
  });
  json = Option.Boolean('--json', false, { description: 'Print the started build as JSON' });

  async execute(): Promise<number> {
    if (this.aiPlan && this.heuristicPlan) {
      throw new (await import('clipanion')).UsageError('Choose one of --ai-plan and --heuristic-plan.');
    }
    if (this.planFile && (this.aiPlan || this.heuristicPlan)) {
      const { UserError } = await import('../../../lib/errors');
      throw new UserError('--plan builds the plan in the file; drop --ai-plan / --heuristic-plan.');
    }
    const { startBuildFromSpec } = await import('../../../services/build-start');
    const ctx = await this.serviceContext();
    const { summary, note } = await startBuildFromSpec(ctx, {
      specPath: this.spec,
      budgetUsd: this.budget,
      parallel: this.parallel,
      baseBranch: this.base,
      ...(this.repo ? { repo: this.repo } : {}),
      ...(this.local ? { local: true } : {}),
      ...(this.planFile ? { planFile: this.planFile } : {}),
      ...(this.aiPlan
        ? { planner: 'claude' as const }
        : this.heuristicPlan
          ? { planner: 'heuristic' as const }
          : {}),
      estimator: this.aiEstimate ? 'ai' : 'heuristic',
      ...(this.engine ? { engine: this.engine } : {}),
      ...(this.rebuild ? { rebuild: true } : {}),
      ...(this.approvePlan ? { approvePlan: true } : {}),
    });
    if (note && !this.json) this.printError(note);
    if (summary.warnings.length && !this.json) {
      const { failureLines } = await import('../../render/failure');
      for (const w of summary.warnings) this.printError(failureLines(w).join('\n'));
    }
    if (this.json && (!this.watch || summary.state === 'ended')) {
      this.printJson(summary);
      return 0;
    }
    if (!this.json) this.print(startLines(summary, this.planFile).join('\n'));
    if (summary.state === 'ended') return 0;
    if (!this.watch) {
      this.print(`Follow it with: br build watch ${summary.buildId}`);
      return 0;
    }
    const { watchBuild } = await import('../../render/watch-build');
    const { colorsEnabled } = await import('../../colors');
    return watchBuild(ctx, summary.buildId, {
      stdout: this.context.stdout,
      stderr: this.context.stderr,
      color: colorsEnabled(ctx.env, this.context.stdout as { isTTY?: boolean }),
      json: this.json,
    });
  }
}

function startLines(summary: StartSummary, planFile: string | undefined): string[] {
  if (summary.state === 'ended')
    return [`Build ${summary.buildId} already ended ${summary.outcome}.`, `  ${summary.next}`];
  const lines = [
    `${summary.state === 'attached' ? 'Attached to running build' : 'Started build'} ${summary.buildId}`,
    `  build branch ${summary.buildBranch}, budget $${summary.budgetUsd}, parallel ${summary.parallel}`,
  ];
  if (summary.repoUrl)
    lines.push(`  repository ${summary.repoUrl} (fetch ${summary.buildBranch} from there to see the result)`);
  if (summary.planSource === 'in-build')
    lines.push(
      `  plan: made by the build with Claude (status PLANNING until it is ready; br build status ${summary.buildId})`,
    );
  else {
    const from = summary.planSource === 'file' ? ` from ${planFile}` : '';
    lines.push(
      `  plan ${summary.planHash} (${summary.planner} planner${from}, ${summary.tasks} task(s))` +
        (summary.planningCostUsd && summary.planningCostUsd !== '0'
          ? `, planning cost $${summary.planningCostUsd}`
          : ''),
    );
  }
  if (summary.webUiUrl) lines.push(`  Web UI: ${summary.webUiUrl}`);
  return lines;
}
