/**
 * `br build simulate`: a forecast before spending anything. Heuristic plan and estimates, then N
 * Monte-Carlo runs of the real build/task bodies on the virtual-clock runtime with a stochastic agent.
 * Never calls Claude, never writes a cost row. The assumptions are returned with the figures.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BuildOutcome } from '../lib/contracts';
import { catalogOf } from '../lib/config';
import { badValue, UserError } from '../lib/errors';
import { isPositiveUsd, positiveUsdProblem } from '../lib/usd';
import { estimateTasks } from '../lib/estimate/heuristic';
import { validatePlan, type Complexity } from '../lib/plan';
import { planFromMarkdown } from '../lib/planner/heuristic';
import { planProblemCode } from '../lib/planner/spec-input';
import {
  FAILURE_MIX,
  MINUTES_PER_ATTEMPT,
  REPAIR_BONUS,
  SUCCESS_BY_TIER,
  FIRST_PROMPT_TOKENS,
  PROMPT_GROWTH_PER_TURN,
} from '../workflows/simulation/model';
import { ATTEMPT_TOKENS, CACHED_INPUT_SHARE, RESERVATION_HEADROOM } from '../workflows/core/routing';
import { criticalPathWeights } from '../workflows/core/scheduler';
import type { ServiceContext } from './context';
import { monteCarlo, quantile } from './forecast';
import { projectName } from './plan-source';
import { readSpecFile } from './spec-file';

export interface SimulateOptions {
  specPath: string;
  parallel?: number;
  /** Decimal string; default: the configured default budget. */
  budgetUsd?: string;
  runs?: number;
  seed?: number;
}

export interface SimulateReport {
  specPath: string;
  project: string;
  plan: {
    tasks: number;
    features: number;
    dependencies: number;
    byComplexity: Record<Complexity, number>;
    criticalPathTasks: number;
  };
  runs: number;
  parallel: number;
  budgetUsd: string;
  seed: number;
  makespanMinutes: { p50: number; p90: number };
  costUsd: { p10: string; p50: string; p90: string };
  expectedEscalations: number;
  attemptsPerTask: number;
  outcomes: Record<BuildOutcome, number>;
  assumptions: {
    successByTier: typeof SUCCESS_BY_TIER;
    repairBonus: number;
    failureMix: typeof FAILURE_MIX;
    minutesPerAttemptAtSonnetSpeed: typeof MINUTES_PER_ATTEMPT;
    durationJitter: string;
    tokensPerAttempt: typeof ATTEMPT_TOKENS;
    cachedInputShare: number;
    /** An attempt is a series of requests, each priced on its own (as the real agent's are). */
    requests: { firstPromptTokens: number; promptGrowthPerTurn: number };
    reservationHeadroom: number;
    nonAgentStepsSeconds: number;
  };
}

export async function simulateSpec(ctx: ServiceContext, options: SimulateOptions): Promise<SimulateReport> {
  if (!existsSync(path.resolve(ctx.cwd, options.specPath)))
    throw new UserError(`Spec file ${options.specPath} not found; pass the path of your PROJECT_SPEC.md.`);
  const runs = options.runs ?? 100;
  const parallel = options.parallel ?? ctx.config.parallel;
  if (!Number.isInteger(runs) || runs < 1 || runs > 10_000)
    throw badValue('--runs must be a whole number from 1 to 10000.');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256)
    throw badValue('--parallel must be a whole number from 1 to 256.');
  const budgetUsd = options.budgetUsd ?? ctx.config.budget.defaultUsd;
  if (!isPositiveUsd(budgetUsd)) throw badValue(`--budget ${positiveUsdProblem(budgetUsd)}.`);
  const seed = options.seed ?? 1;

  // The same project name as `br plan` and `br build start`: config, else the repository folder.
  const project = projectName(ctx);
  const plan = { ...planFromMarkdown(readSpecFile(ctx, options.specPath), project), project };
  const problems = validatePlan(plan);
  if (problems.length)
    throw new UserError(
      `The spec's plan is not valid: ${problems.map((p) => p.message).join(' ')} Fix the spec and run again.`,
      { code: planProblemCode(problems) },
    );
  const estimates = estimateTasks(plan.tasks);
  const byComplexity: Record<Complexity, number> = { simple: 0, moderate: 0, complex: 0, critical: 0 };
  for (const e of Object.values(estimates)) byComplexity[e.level] += 1;
  const weights = criticalPathWeights(
    plan.tasks.map((t) => ({ id: t.id, dependsOn: t.dependsOn, files: t.files, weight: 1 })),
  );

  const catalog = catalogOf(ctx.config);
  const r = ctx.config.routing;
  const routing = {
    tiers: { simple: r.simple, moderate: r.moderate, complex: r.complex, critical: r.critical },
    maxAttemptsPerTask: r.maxAttemptsPerTask,
    catalog,
  };
  const result = await monteCarlo({
    plan,
    levelOf: (id) => estimates[id]?.level ?? 'moderate',
    routing,
    parallel,
    budgetUsd,
    alertThresholds: ctx.config.budget.alertThresholds,
    runs,
    seed,
  });
  const { outcomes, attempts, escalations } = result;
  const makespans = result.makespansMs.map((ms) => ms / 60_000);
  const costAt = (q: number) => quantile(result.costsUsd, q)!.toDecimalPlaces(2).toFixed(2);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    specPath: options.specPath,
    project: plan.project,
    plan: {
      tasks: plan.tasks.length,
      features: new Set(plan.tasks.flatMap((t) => t.features ?? [])).size,
      dependencies: plan.tasks.reduce((n, t) => n + t.dependsOn.length, 0),
      byComplexity,
      criticalPathTasks: Math.max(0, ...weights.values()),
    },
    runs,
    parallel,
    budgetUsd,
    seed,
    makespanMinutes: { p50: round(quantile(makespans, 0.5) ?? 0), p90: round(quantile(makespans, 0.9) ?? 0) },
    costUsd: { p10: costAt(0.1), p50: costAt(0.5), p90: costAt(0.9) },
    expectedEscalations: round(escalations / runs),
    attemptsPerTask: Math.round((attempts / runs / Math.max(1, plan.tasks.length)) * 100) / 100,
    outcomes,
    assumptions: {
      successByTier: SUCCESS_BY_TIER,
      repairBonus: REPAIR_BONUS,
      failureMix: FAILURE_MIX,
      minutesPerAttemptAtSonnetSpeed: MINUTES_PER_ATTEMPT,
      durationJitter: 'uniform ×0.6–1.6 on minutes and tokens',
      tokensPerAttempt: ATTEMPT_TOKENS,
      cachedInputShare: CACHED_INPUT_SHARE,
      requests: { firstPromptTokens: FIRST_PROMPT_TOKENS, promptGrowthPerTurn: PROMPT_GROWTH_PER_TURN },
      reservationHeadroom: RESERVATION_HEADROOM,
      nonAgentStepsSeconds: 20,
    },
  };
}
