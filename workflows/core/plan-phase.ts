import type { ComplexityEstimate } from '../../lib/contracts';
import { validatePlan, type Plan } from '../../lib/plan';
import type { BuildPort } from './port';
import { planWithFallback } from './plan-retry';
import { stepFailure, type StepFailure } from './step';
import type { BuildWorkflowInput } from './types';

export type PlanPhaseResult =
  | { ok: true; plan: Plan; estimates: Record<string, ComplexityEstimate> }
  | { ok: false; plan?: Plan; problems: string[]; failure?: StepFailure };

/**
 * The first phase of a build: the plan (given, or from the planner activity), its validation, the
 * complexity estimates and the build branch. `spent` books what the planner and estimator cost.
 * A failed step or an invalid plan ends the build as FAILED with the problems; nothing runs.
 */
export async function planPhase(
  port: BuildPort,
  input: BuildWorkflowInput,
  spent: (usd: string) => void,
): Promise<PlanPhaseResult> {
  type Step<T> = { value: T; failure?: undefined } | { failure: StepFailure };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<Step<T>> => {
    try {
      return { value: await run() };
    } catch (err) {
      return { failure: stepFailure(port, name, err) };
    }
  };
  const failed = (f: StepFailure, plan?: Plan): PlanPhaseResult => ({
    ok: false,
    ...(plan ? { plan } : {}),
    problems: [f.message],
    failure: f,
  });

  let plan = input.plan;
  if (plan && input.planningCostUsd) spent(input.planningCostUsd);
  if (!plan) {
    const request = {
      buildId: input.buildId,
      project: input.project,
      repoPath: input.repoPath,
      specPath: input.specPath,
      ...(input.specContent !== undefined ? { specContent: input.specContent } : {}),
      planner: input.planner,
      ...(input.plannerModel ? { model: input.plannerModel } : {}),
    };
    const model = input.plannerModel;
    // Claude planning retries under the fallback policy; builds started before that plan once.
    const r = await step('Planning', () =>
      input.planner === 'claude' && model && port.patched('plan-fallback')
        ? planWithFallback(port, input, { ...request, model }, spent)
        : port.activities.planBuild(request),
    );
    if (r.failure) return failed(r.failure);
    spent(r.value.costUsd);
    plan = r.value.plan;
  }
  const problems = validatePlan(plan).map((p) => p.message);
  if (problems.length) return { ok: false, plan, problems };
  const planned = plan;
  const est = await step('Estimating', () =>
    port.activities.estimateComplexity({
      buildId: input.buildId,
      tasks: planned.tasks,
      mode: input.estimator,
      ...(input.estimatorModel ? { model: input.estimatorModel } : {}),
    }),
  );
  if (est.failure) return failed(est.failure, plan);
  spent(est.value.costUsd);
  const branch = await step('Creating the build branch', () =>
    port.activities.ensureBuildBranch({
      repoPath: input.repoPath,
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      baseBranch: input.baseBranch,
      buildBranch: input.buildBranch,
      // The design files ride on the same activity, so a build without them schedules the same commands.
      ...(input.design ? { buildId: input.buildId, design: input.design } : {}),
    }),
  );
  if (branch.failure) return failed(branch.failure, plan);
  return { ok: true, plan, estimates: est.value.estimates };
}
