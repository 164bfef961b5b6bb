import { ApplicationFailure } from '@temporalio/common';
import Decimal from 'decimal.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComplexityEstimate } from '../lib/contracts';
import {
  ATTEMPT_TOKENS,
  CACHED_INPUT_SHARE,
  estimateAttemptUsd,
  initialModel,
  strongerModel,
} from '../workflows/core/routing';
import { findApiKey, requireApiKey } from '../lib/apikey';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import { failedStep } from '../lib/failure-hints';
import type { ModelTier } from '../lib/models';
import type { Complexity, Plan } from '../lib/plan';
import { withDatabase, type ServiceContext } from './context';

/**
 * `br plan`: plan a spec (Claude or heuristic), estimate each task, pick its model as a build would,
 * and forecast the cost. Claude calls are recorded as cost rows like any other.
 */

export interface PlanOptions {
  specPath: string;
  planner?: 'heuristic' | 'claude';
  aiEstimate?: boolean;
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
  tasks: PlanTaskRow[];
  forecast: { low: string; high: string; assumptions: string };
  /** What planning itself cost (Claude calls), decimal USD. */
  spentUsd: string;
  priceTableVersion: string;
}

function failureToUserError(err: unknown): unknown {
  if (!(err instanceof ApplicationFailure)) return err;
  return new UserError(failedStep('Planning', err.type ?? undefined, err.message), {
    code: err.type ?? 'UNKNOWN',
  });
}

export async function planSpec(ctx: ServiceContext, options: PlanOptions): Promise<PlanReport> {
  const specFile = path.resolve(ctx.cwd, options.specPath);
  if (!existsSync(specFile))
    throw new UserError(
      `Spec not found: ${options.specPath}. Pass the path of your project spec, e.g. \`br plan PROJECT_SPEC.md\`.`,
      { code: 'SPEC_MISSING' },
    );
  const spec = readFileSync(specFile, 'utf8');
  const project = ctx.config.project ?? path.basename(ctx.root);
  const found = findApiKey({ env: ctx.env, cwd: ctx.cwd });
  let note: string | null = null;
  let planner = options.planner;
  if (!planner) {
    planner = found ? 'claude' : 'heuristic';
    if (!found)
      note =
        'No ANTHROPIC_API_KEY found: used the offline heuristic planner (set the key, or pass --ai-plan, for the Claude planner).';
  }
  const needsClaude = planner === 'claude' || options.aiEstimate === true;
  const apiKey = needsClaude ? requireApiKey({ env: ctx.env, cwd: ctx.cwd }).key : undefined;
  const buildId = `plan-${createHash('sha256').update(spec).digest('hex').slice(0, 12)}`;

  const run = async (db: Database | null) => {
    const { createClaudeActivities } = await import('../activities/claude');
    // The heuristic paths never touch the database; the Claude paths always get one.
    const activities = createClaudeActivities({
      db: db as Database,
      config: ctx.config,
      apiKey,
      repoRoot: ctx.cwd,
    });
    try {
      const planned = await activities.planBuild({
        buildId,
        project,
        repoPath: '.',
        specPath: path.relative(ctx.cwd, specFile),
        planner: planner,
      });
      const estimated = await activities.estimateComplexity({
        buildId,
        tasks: planned.plan.tasks,
        mode: options.aiEstimate ? 'ai' : 'heuristic',
      });
      return {
        plan: planned.plan,
        estimates: estimated.estimates,
        spent: new Decimal(planned.costUsd).plus(estimated.costUsd),
      };
    } catch (err) {
      throw failureToUserError(err);
    }
  };
  const { plan, estimates, spent } = needsClaude ? await withDatabase(ctx, run) : await run(null);

  return {
    project,
    specPath: options.specPath,
    planner: planner,
    estimator: options.aiEstimate ? 'ai' : 'heuristic',
    note,
    ...forecast(ctx, plan, estimates),
    spentUsd: spent.toFixed(),
    priceTableVersion: ctx.config.models.priceTableVersion,
  };
}

function forecast(ctx: ServiceContext, plan: Plan, estimates: Record<string, ComplexityEstimate>) {
  const { routing, models: catalog } = ctx.config;
  let low = new Decimal(0);
  let high = new Decimal(0);
  const tasks = plan.tasks.map((task): PlanTaskRow => {
    const e = estimates[task.id] ?? {
      level: 'moderate',
      score: 50,
      reasons: ['no estimate'],
      recommendedTier: routing.moderate,
    };
    const tiers = { ...routing, [e.level]: e.recommendedTier };
    const model = initialModel({ tiers, maxAttemptsPerTask: routing.maxAttemptsPerTask, catalog }, e.level);
    const one = new Decimal(estimateAttemptUsd(model, e.level));
    const escalation = new Decimal(estimateAttemptUsd(strongerModel(catalog, model) ?? model, e.level));
    const top = one.times(2).plus(escalation);
    low = low.plus(one);
    high = high.plus(top);
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
      costUsd: { low: one.toFixed(), high: top.toFixed() },
    };
  });
  const tokens = Object.entries(ATTEMPT_TOKENS)
    .map(([level, t]) => `${level} ${t.input / 1000}k in / ${t.output / 1000}k out`)
    .join(', ');
  return {
    tasks,
    forecast: {
      low: low.toFixed(),
      high: high.toFixed(),
      assumptions:
        `Per attempt: ${tokens}, ${CACHED_INPUT_SHARE * 100}% of input read from cache. ` +
        'Low = one attempt per task on its chosen model; high = that attempt, a repair attempt and one attempt on the next stronger model.',
    },
  };
}
