/**
 * The forecast model of `br build simulate`, in one place: N Monte-Carlo runs of the real build and task
 * bodies on the virtual-clock runtime with the stochastic agent (workflows/simulation/model.ts). Used
 * before a build (simulate.ts) and during one, for what is left (`forecastRemaining`, shown by
 * `br build watch` and `br build status`).
 */
import Decimal from 'decimal.js';
import type { BuildOutcome } from '../lib/contracts';
import type { Complexity, Plan, PlannedTask } from '../lib/plan';
import type { TaskProgress } from '../workflows/core/progress';
import type { RoutingSettings } from '../workflows/core/types';
import { estimateLarge, SAMPLES_PER_LEVEL } from './forecast-large';
import { keptSamples, type SampleStore } from './forecast-samples';

export interface MonteCarloInput {
  plan: Plan;
  levelOf: (taskId: string) => Complexity;
  routing: RoutingSettings;
  parallel: number;
  budgetUsd: string;
  alertThresholds: number[];
  runs: number;
  seed: number;
}

export interface MonteCarloResult {
  /** Sorted ascending. */
  makespansMs: number[];
  /** Sorted ascending. */
  costsUsd: Decimal[];
  outcomes: Record<BuildOutcome, number>;
  attempts: number;
  escalations: number;
}

export async function monteCarlo(input: MonteCarloInput): Promise<MonteCarloResult> {
  // Loaded here, not at the top: a large forecast whose samples are kept never loads the workflow runtime.
  const [{ createFakeActivities, simulationInput }, { seededRandom, stochasticAgent }, { simulateBuild }] =
    await Promise.all([
      import('../workflows/simulation/fakes'),
      import('../workflows/simulation/model'),
      import('../workflows/simulation/runtime'),
    ]);
  const makespansMs: number[] = [];
  const costsUsd: Decimal[] = [];
  const outcomes: Record<BuildOutcome, number> = {
    SUCCEEDED: 0,
    PARTIAL: 0,
    FAILED: 0,
    CANCELLED: 0,
    BUDGET_EXHAUSTED: 0,
  };
  let attempts = 0;
  let escalations = 0;
  for (let i = 0; i < input.runs; i++) {
    const agent = stochasticAgent({
      catalog: input.routing.catalog,
      levelOf: input.levelOf,
      random: seededRandom(input.seed * 100_003 + i),
    });
    const { activities, store } = createFakeActivities({
      plan: input.plan,
      agent,
      gitMs: 20_000,
      levelOf: input.levelOf,
    });
    // A forecast does not wait a day for a raise: the budget stop is the outcome.
    const build = simulationInput(input.plan, {
      parallel: input.parallel,
      budgetUsd: input.budgetUsd,
      routing: input.routing,
      budgetWaitMs: 1,
      alertThresholds: input.alertThresholds,
    });
    const run = await simulateBuild({ input: build, activities });
    makespansMs.push(run.endedAt - run.startedAt);
    costsUsd.push(new Decimal(run.result.summary.spentUsd));
    outcomes[run.result.outcome] += 1;
    attempts += store.attempts.length;
    for (const e of store.events.values())
      if (e.type === 'FALLBACK_APPLIED' && e.data?.to !== e.data?.from) escalations += 1;
  }
  makespansMs.sort((a, b) => a - b);
  costsUsd.sort((a, b) => a.cmp(b));
  return { makespansMs, costsUsd, outcomes, attempts, escalations };
}

export function quantile<T>(sorted: readonly T[], q: number): T | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** What is left of a running build: time to finish and what it will still spend, low to high. */
export interface RemainingForecast {
  /** Tasks the forecast covers: running and pending ones. */
  tasks: number;
  /** Milliseconds from `at` until the build ends (p50, p90). */
  remainingMs: { p50: number; p90: number };
  /** USD still to spend (p10, p90), two decimals. */
  costUsd: { p10: string; p90: string };
  /** When the forecast was made (epoch ms). */
  at: number;
  runs: number;
  /** How the figures were made: the whole plan simulated, or per-task draws (plans over the bound). */
  method?: 'simulated' | 'sampled';
  /** What the figures leave out, in words. */
  assumption: string;
}

export interface BuildShape {
  parallel: number;
  routing: RoutingSettings;
  alertThresholds: number[];
}

const LEFT: readonly TaskProgress['state'][] = ['PENDING', 'RUNNING'];

/**
 * Tasks × runs simulated on the workflow runtime at most (about 1 ms each): a larger plan is forecast
 * from one-task simulations per complexity level instead (services/forecast-large.ts), so the work is
 * bounded by plan size and `br build status` of a 2,000-task build stays well under half a second.
 */
export const MAX_SIMULATED_TASK_RUNS = 1_000;

/** The budget of a sampled forecast's one-task runs: more than any one task can spend. */
const SAMPLE_BUDGET_USD = '1000000';

/**
 * The simulate model over the tasks still to run: dependencies on finished tasks are dropped (a failed
 * one's dependants are BLOCKED already), the budget is what is left. A running task is forecast from
 * its start, so the figures lean high while it is far along.
 */
export async function forecastRemaining(
  tasks: readonly TaskProgress[],
  shape: BuildShape,
  leftUsd: string,
  at: number,
  options: { runs?: number; seed?: number; samples?: SampleStore } = {},
): Promise<RemainingForecast | null> {
  const left = tasks.filter((t) => LEFT.includes(t.state));
  if (!left.length || new Decimal(leftUsd).lte(0)) return null;
  const ids = new Set(left.map((t) => t.id));
  const planned: PlannedTask[] = left.map((t) => ({
    id: t.id,
    title: t.title,
    description: t.title,
    acceptance: [],
    dependsOn: (t.dependsOn ?? []).filter((d) => ids.has(d)),
    files: [],
    ...(t.complexity ? { complexity: t.complexity } : {}),
  }));
  const levels = new Map(left.map((t) => [t.id, t.complexity ?? 'moderate']));
  const runs = options.runs ?? 20;
  const seed = options.seed ?? 1;
  const base = {
    routing: shape.routing,
    parallel: shape.parallel,
    budgetUsd: leftUsd,
    alertThresholds: shape.alertThresholds,
    seed,
  };
  const sampled = left.length * runs > MAX_SIMULATED_TASK_RUNS;
  const result = sampled
    ? await estimateLarge(
        planned.map((t) => ({ id: t.id, dependsOn: t.dependsOn, level: levels.get(t.id) ?? 'moderate' })),
        shape,
        leftUsd,
        runs,
        seed,
        // The budget stop is left out of a sampled forecast (see its assumption): the one-task runs get an
        // ample budget, so they depend on the settings and the level only and are kept (forecast-samples.ts).
        (level) =>
          keptSamples(
            {
              routing: shape.routing,
              parallel: shape.parallel,
              alertThresholds: shape.alertThresholds,
              level,
              seed,
            },
            SAMPLES_PER_LEVEL,
            options.samples,
            async () => {
              const r = await monteCarlo({
                ...base,
                budgetUsd: SAMPLE_BUDGET_USD,
                plan: {
                  project: 'forecast',
                  tasks: [{ ...planned[0]!, id: 'one', dependsOn: [] }],
                  source: 'heuristic',
                },
                levelOf: () => level,
                runs: SAMPLES_PER_LEVEL,
              });
              return { makespansMs: r.makespansMs, costsUsd: r.costsUsd.map((c) => c.toNumber()) };
            },
          ),
      )
    : await monteCarlo({
        ...base,
        plan: { project: 'forecast', tasks: planned, source: 'heuristic' },
        levelOf: (id) => levels.get(id) ?? 'moderate',
        runs,
      });
  const cost = (q: number) => quantile(result.costsUsd, q)!.toDecimalPlaces(2).toFixed(2);
  return {
    tasks: left.length,
    remainingMs: {
      p50: quantile(result.makespansMs, 0.5)!,
      p90: quantile(result.makespansMs, 0.9)!,
    },
    costUsd: { p10: cost(0.1), p90: cost(0.9) },
    at,
    runs,
    method: sampled ? 'sampled' : 'simulated',
    assumption: sampled
      ? `br build simulate model per task (${SAMPLES_PER_LEVEL} one-task runs per complexity), ${left.length} tasks scheduled on ${shape.parallel} slots in dependency order; shared-file conflicts and the budget stop left out; running ones counted from their start`
      : 'br build simulate model over the running and pending tasks; running ones counted from their start',
  };
}
