import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../lib/errors';
import type { ServiceContext } from './context';
import { producePlan, readPlanFile, type PlannerChoice, type ProducedPlan } from './plan-source';

/**
 * The plan `br build start` builds: exactly the given plan file (checked against the spec), or the
 * spec planned now by the same rule as `br plan` (Claude when a key is set, unless --heuristic-plan).
 * Either way the plan goes into the build inline, so the plan whose hash is printed is the one that runs.
 */
export type PlannedBuild = ProducedPlan & { source: 'file' | 'planned' };

export async function planForBuild(
  ctx: ServiceContext,
  options: {
    specPath: string;
    planFile?: string;
    planner?: PlannerChoice;
    notice?: (line: string) => void;
  },
): Promise<PlannedBuild> {
  if (options.planFile) {
    if (options.planner)
      throw new UserError('--plan builds the plan in the file; drop --ai-plan / --heuristic-plan.');
    const specFile = path.resolve(ctx.cwd, options.specPath);
    if (!existsSync(specFile))
      throw new UserError(`Spec file not found: ${specFile}. Pass the path of your PROJECT_SPEC.md.`);
    const file = readPlanFile(ctx, options.planFile, readFileSync(specFile, 'utf8'));
    return {
      plan: file.plan,
      planHash: file.planHash,
      planner: file.planner,
      note: null,
      spentUsd: '0',
      source: 'file',
    };
  }
  const { spec: _spec, ...produced } = await producePlan(ctx, options);
  return { ...produced, source: 'planned' };
}
