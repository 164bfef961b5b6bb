import type { SectionReading } from '../lib/planner/reading';
import { ApplicationFailure } from '@temporalio/common';
import Decimal from 'decimal.js';
import path from 'node:path';
import type { ComplexityEstimate } from '../lib/contracts';
import { planCostForecast, taskCostForecast } from '../workflows/core/plan-forecast';
import { ATTEMPT_TOKENS, CACHED_INPUT_SHARE } from '../workflows/core/routing';
import { requireApiKey } from '../activities/api-key';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import { failedStep } from '../lib/failure-hints';
import type { ModelTier } from '../lib/models';
import type { Complexity, Plan } from '../lib/plan';
import { withDatabase, type ServiceContext } from './context';
import { producePlan, specSha, writePlanFile } from './plan-source';

/**
 * `br plan`: plan a spec (Claude or heuristic), estimate each task, pick its model as a build would,
 * and forecast the cost. Claude calls are recorded as cost rows like any other.
 */

export interface PlanOptions {
  specPath: string;
  planner?: 'heuristic' | 'claude';
  aiEstimate?: boolean;
  /** Write the plan with its hash here, for `br build start --plan`. */
  outPath?: string;
  /** Progress lines (waits and model switches while Claude plans), for stderr. */
  notice?: (line: string) => void;
  /** Include how the heuristic planner read each section (`br plan --explain`). */
  explain?: boolean;
}

export interface PlanTaskRow {
  id: string;
  title: string;
  dependsOn: string[];
  files: string[];
  complexity: Complexity;
  score: number;
  reasons: string[];
  tier: ModelTier;
  model: string;
  /** USD range: one attempt on the chosen model … a repair attempt plus one attempt on a stronger model. */
  costUsd: { low: string; high: string };
}

export interface PlanReport {
  project: string;
  specPath: string;
  planner: 'heuristic' | 'claude';
  estimator: 'heuristic' | 'ai';
  /** Why a default was chosen, e.g. no API key → heuristic planner. */
  note: string | null;
  /** Identifies the plan's tasks; `br build start` prints the hash of the plan it builds. */
  planHash: string;
  /** Where the plan file was written (`--out`), or null. */
  planFile: string | null;
  tasks: PlanTaskRow[];
  forecast: { low: string; high: string; assumptions: string };
  /** What planning itself cost (Claude calls), decimal USD. */
  spentUsd: string;
  priceTableVersion: string;
  /** With `explain`: per section, "task", "skipped: …" or "dependency from '…'" (heuristic planner only). */
  explain?: SectionReading[];
}

function failureToUserError(err: unknown): unknown {
  if (!(err instanceof ApplicationFailure)) return err;
  return new UserError(failedStep('Estimating', err.type ?? undefined, err.message), {
    code: err.type ?? 'UNKNOWN',
  });
}

export async function planSpec(ctx: ServiceContext, options: PlanOptions): Promise<PlanReport> {
  const produced = await producePlan(ctx, options);
  const { plan } = produced;
  let spent = new Decimal(produced.spentUsd);
  const estimate = async (db: Database | null) => {
    const { createClaudeActivities } = await import('../activities/claude');
    const apiKey = options.aiEstimate ? requireApiKey({ env: ctx.env, cwd: ctx.cwd }).key : undefined;
    // The heuristic estimator never touches the database; Claude estimates always get one.
    const activities = createClaudeActivities({
      db: db as Database,
      config: ctx.config,
      apiKey,
      repoRoot: ctx.cwd,
    });
    try {
      return await activities.estimateComplexity({
        buildId: `plan-${produced.planHash}`,
        tasks: plan.tasks,
        mode: options.aiEstimate ? 'ai' : 'heuristic',
      });
    } catch (err) {
      throw failureToUserError(err);
    }
  };
  const estimated = options.aiEstimate ? await withDatabase(ctx, estimate) : await estimate(null);
  spent = spent.plus(estimated.costUsd);
  const planFile = options.outPath
    ? writePlanFile(ctx, options.outPath, {
        planHash: produced.planHash,
        specPath: options.specPath,
        specHash: specSha(produced.spec),
        planner: produced.planner,
        plan,
      })
    : null;

  return {
    project: plan.project,
    specPath: options.specPath,
    planner: produced.planner,
    estimator: options.aiEstimate ? 'ai' : 'heuristic',
    note: produced.note,
    planHash: produced.planHash,
    planFile: planFile ? path.relative(ctx.cwd, planFile) : null,
    ...forecast(ctx, plan, estimated.estimates),
    spentUsd: spent.toFixed(),
    priceTableVersion: ctx.config.models.priceTableVersion,
    ...(options.explain ? { explain: produced.readings ?? [] } : {}),
  };
}

function forecast(ctx: ServiceContext, plan: Plan, estimates: Record<string, ComplexityEstimate>) {
  const { routing: r, models: catalog } = ctx.config;
  const routing = {
    tiers: { simple: r.simple, moderate: r.moderate, complex: r.complex, critical: r.critical },
    maxAttemptsPerTask: r.maxAttemptsPerTask,
    catalog,
  };
  const tasks = plan.tasks.map((task): PlanTaskRow => {
    const { estimate: e, model, low, high } = taskCostForecast(routing, estimates[task.id]);
    return {
      id: task.id,
      title: task.title,
      dependsOn: task.dependsOn,
      files: task.files,
      complexity: e.level,
      score: e.score,
      reasons: e.reasons,
      tier: model.tier,
      model: model.id,
      costUsd: { low, high },
    };
  });
  const { low, high } = planCostForecast(plan, estimates, routing);
  const tokens = Object.entries(ATTEMPT_TOKENS)
    .map(([level, t]) => `${level} ${t.input / 1000}k in / ${t.output / 1000}k out`)
    .join(', ');
  return {
    tasks,
    forecast: {
      low,
      high,
      assumptions:
        `Per attempt: ${tokens}, ${CACHED_INPUT_SHARE * 100}% of input read from cache. ` +
        'Low = one attempt per task on its chosen model; high = that attempt, a repair attempt and one attempt on the next stronger model.',
    },
  };
}

/** Loads the planner ahead of the first plan, for front ends that start once and serve many requests. */
export async function preloadPlanner(): Promise<void> {
  await import('../activities/claude');
}
