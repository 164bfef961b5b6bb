import Decimal from 'decimal.js';
import { DEFAULT_CATALOG, TIER_ORDER, type ModelCatalog, type ModelTier } from '../lib/models';
import type { Complexity, PlannedTask } from '../lib/plan';
import { createFakeActivities, simulationInput } from '../workflows/simulation/fakes';
import {
  PESSIMISTIC_CHEAP_TIER,
  SUCCESS_BY_TIER,
  seededRandom,
  stochasticAgent,
} from '../workflows/simulation/model';
import { simulateBuild } from '../workflows/simulation/runtime';
import { estimateAttemptUsd } from '../workflows/core/routing';
import { DEFAULT_TIERS } from '../workflows/core/types';
import type { BenchModule } from './types';

/**
 * Issue 8 item 2: our routing (estimated complexity → tier) plus the fallback matrix, against always
 * one model and an oracle that knows each task's hidden difficulty. All run the real task body on the
 * simulation runtime with the same stochastic agent; success and $ per succeeded task are compared.
 */

const LEVELS: Complexity[] = ['simple', 'moderate', 'complex', 'critical'];
const MIX: [Complexity, number][] = [
  ['simple', 0.35],
  ['moderate', 0.35],
  ['complex', 0.2],
  ['critical', 0.1],
];
const TASKS = 300;
const SEEDS = [11, 12, 13];

type SuccessTable = Record<ModelTier, Record<Complexity, number>>;

/** The stated assumptions, and a sensitivity check where the cheap tier is worse on hard tasks. */
const SCENARIOS: { name: string; success: SuccessTable }[] = [
  { name: 'stated assumptions', success: SUCCESS_BY_TIER },
  { name: 'sensitivity: haiku success on complex/critical halved', success: PESSIMISTIC_CHEAP_TIER },
];

interface Strategy {
  name: string;
  catalog: ModelCatalog;
  tiers: Record<Complexity, ModelTier>;
  /** Which complexity the router sees: the noisy estimate or the truth. */
  sees: 'estimate' | 'truth';
}

function only(tier: ModelTier): ModelCatalog {
  return { ...DEFAULT_CATALOG, models: DEFAULT_CATALOG.models.filter((m) => m.tier === tier) };
}

/** The tier with the lowest expected $ per success for each true level (the oracle's choice). */
function cheapestPerSuccess(success: SuccessTable): Record<Complexity, ModelTier> {
  const out = {} as Record<Complexity, ModelTier>;
  for (const level of LEVELS) {
    let best: [ModelTier, number] = ['opus', Infinity];
    for (const tier of TIER_ORDER) {
      const model = DEFAULT_CATALOG.models.find((m) => m.tier === tier)!;
      const perSuccess = Number(estimateAttemptUsd(model, level)) / success[tier][level];
      if (perSuccess < best[1]) best = [tier, perSuccess];
    }
    out[level] = best[0];
  }
  return out;
}

const all = (tier: ModelTier): Record<Complexity, ModelTier> => ({
  simple: tier,
  moderate: tier,
  complex: tier,
  critical: tier,
});

async function runStrategy(s: Strategy, seed: number, success: SuccessTable) {
  const r = seededRandom(seed);
  const truth = new Map<string, Complexity>();
  const estimate = new Map<string, Complexity>();
  const tasks: PlannedTask[] = [];
  for (let i = 0; i < TASKS; i++) {
    let x = r();
    const level = MIX.find(([, share]) => (x -= share) < 0)?.[0] ?? 'critical';
    const id = `t${i}`;
    truth.set(id, level);
    // The estimator is right 60 % of the time, otherwise one level off.
    const k = LEVELS.indexOf(level);
    const y = r();
    const off = y < 0.6 ? 0 : y < 0.8 ? -1 : 1;
    estimate.set(id, LEVELS[Math.min(3, Math.max(0, k + off))]!);
    tasks.push({ id, title: id, description: id, acceptance: [], dependsOn: [], files: [] });
  }
  const plan = { project: 'bench', source: 'heuristic' as const, tasks };
  const agent = stochasticAgent({
    catalog: DEFAULT_CATALOG,
    levelOf: (id) => truth.get(id)!,
    random: seededRandom(seed * 31 + 7),
    success,
  });
  const { activities, store } = createFakeActivities({
    plan,
    gitMs: 0,
    agent,
    levelOf: (id) => (s.sees === 'truth' ? truth : estimate).get(id)!,
  });
  const input = simulationInput(plan, {
    parallel: 16,
    budgetUsd: '1000000',
    routing: { tiers: s.tiers, maxAttemptsPerTask: 4, catalog: s.catalog },
  });
  const run = await simulateBuild({ input, activities });
  return {
    succeeded: run.result.summary.tasks.SUCCEEDED,
    spent: new Decimal(run.result.summary.spentUsd),
    attempts: store.attempts.length,
  };
}

async function runScenario(success: SuccessTable) {
  const oracleTiers = cheapestPerSuccess(success);
  const strategies: Strategy[] = [
    {
      name: 'ours: default routing + fallback',
      catalog: DEFAULT_CATALOG,
      tiers: DEFAULT_TIERS,
      sees: 'estimate',
    },
    {
      name: 'previous defaults (haiku/sonnet/sonnet/opus) + fallback',
      catalog: DEFAULT_CATALOG,
      tiers: { simple: 'haiku', moderate: 'sonnet', complex: 'sonnet', critical: 'opus' },
      sees: 'estimate',
    },
    { name: 'always haiku', catalog: only('haiku'), tiers: all('haiku'), sees: 'estimate' },
    { name: 'always sonnet', catalog: only('sonnet'), tiers: all('sonnet'), sees: 'estimate' },
    { name: 'always opus', catalog: only('opus'), tiers: all('opus'), sees: 'estimate' },
    {
      name: 'oracle: true difficulty, cheapest tier per success + fallback',
      catalog: DEFAULT_CATALOG,
      tiers: oracleTiers,
      sees: 'truth',
    },
  ];
  const rows: string[] = [];
  const stats = new Map<string, { rate: number; perSuccess: number }>();
  for (const s of strategies) {
    let succeeded = 0;
    let spent = new Decimal(0);
    let attempts = 0;
    for (const seed of SEEDS) {
      const r = await runStrategy(s, seed, success);
      succeeded += r.succeeded;
      spent = spent.plus(r.spent);
      attempts += r.attempts;
    }
    const total = TASKS * SEEDS.length;
    const dollars = succeeded ? spent.div(succeeded).toNumber() : Infinity;
    stats.set(s.name, { rate: succeeded / total, perSuccess: dollars });
    rows.push(
      `| ${s.name} | ${((succeeded / total) * 100).toFixed(1)} % | $${dollars.toFixed(4)} | $${spent.toFixed(2)} | ${(attempts / total).toFixed(2)} |`,
    );
  }
  const ours = stats.get(strategies[0]!.name)!;
  const sonnet = stats.get('always sonnet')!;
  const opus = stats.get('always opus')!;
  const ratios = strategies
    .slice(1)
    .map((s) => `${s.name} ${(stats.get(s.name)!.perSuccess / ours.perSuccess).toFixed(2)}×`);
  const rateOk = ours.rate >= sonnet.rate;
  const costOk = ours.perSuccess <= opus.perSuccess / 2;
  const target =
    `Target (success ≥ always sonnet, $ per success ≤ half of always opus): success ` +
    `${(ours.rate * 100).toFixed(1)} % vs ${(sonnet.rate * 100).toFixed(1)} % (${rateOk ? 'met' : 'missed'}); ` +
    `$ per success ${(ours.perSuccess / opus.perSuccess).toFixed(2)}× always opus vs ≤ 0.50× (${costOk ? 'met' : 'missed'}).`;
  return [
    '| strategy | tasks succeeded | $ per succeeded task | total $ | attempts per task |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `$ per succeeded task relative to ours: ${ratios.join('; ')}.`,
    '',
    target,
    '',
    `Oracle tiers (cheapest expected $ per success by true level): ${LEVELS.map((l) => `${l} → ${oracleTiers[l]}`).join(', ')}.`,
  ];
}

const table = (success: SuccessTable) =>
  TIER_ORDER.map((t) => `${t} ${LEVELS.map((l) => +success[t][l].toFixed(3)).join('/')}`).join(', ');

const bench: BenchModule = {
  name: 'routing',
  async run() {
    const sections: string[] = [];
    for (const scenario of SCENARIOS) {
      sections.push(`### ${scenario.name}`, '', `Success per attempt: ${table(scenario.success)}.`, '');
      sections.push(...(await runScenario(scenario.success)), '');
    }
    const markdown = [
      ...sections,
      `Assumptions: ${TASKS} independent tasks × ${SEEDS.length} seeds; hidden difficulty simple 35 % / moderate 35 % / complex 20 % / critical 10 %;`,
      'the estimator sees the true level 60 % of the time and one level off otherwise; success probability per',
      'attempt by tier and true level as stated above each table',
      '(+0.10 on a repair attempt); failure mix, minutes and tokens per attempt as in workflows/simulation/model.ts;',
      'prices from the default catalog (anthropic-2026-10-07). Max 4 counted attempts per task for every strategy.',
      `"ours" is DEFAULT_TIERS (${LEVELS.map((l) => `${l} → ${DEFAULT_TIERS[l]}`).join(', ')}).`,
      '"Always X" runs with a catalog holding only X, so fallback can repair and retry but never change model.',
      'Each attempt is capped at its reservation (2× the expected cost for the level its share is sized for:',
      'the estimate at first, one level up after each attempt that spends its whole share; at critical the',
      'model escalates instead). The simulated agent prices each request of an attempt on its own, like the',
      'real agent: prompts start near 8k tokens and grow by about 4k a turn, so no default-table request',
      "reaches haiku's 100k long-context threshold.",
      'These probabilities are assumptions, not measured model quality: the table shows how the routing and',
      'fallback logic behave under them, not how real models perform.',
    ].join('\n');
    return {
      title: 'Routing: success and $ per succeeded task vs single models and an oracle',
      command: 'npx tsx bench/run.ts routing',
      markdown,
    };
  },
};

export default bench;
