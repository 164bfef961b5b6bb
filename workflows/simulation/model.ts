/**
 * The stochastic agent model behind forecasts and the routing benchmark: per-tier success
 * probabilities by complexity, a failure mix, minutes and tokens per attempt. These are assumptions,
 * printed with every forecast, not measurements.
 */
import Decimal from 'decimal.js';
import { findModel, priceUsage, type ModelCatalog, type ModelTier, type TokenUsage } from '../../lib/models';
import type { Complexity } from '../../lib/plan';
import { ATTEMPT_TOKENS, CACHED_INPUT_SHARE } from '../core/routing';
import type { AgentOutcome, AgentScript } from './fakes';

export const SUCCESS_BY_TIER: Record<ModelTier, Record<Complexity, number>> = {
  haiku: { simple: 0.85, moderate: 0.6, complex: 0.35, critical: 0.15 },
  sonnet: { simple: 0.95, moderate: 0.85, complex: 0.7, critical: 0.5 },
  opus: { simple: 0.97, moderate: 0.92, complex: 0.85, critical: 0.75 },
};

/**
 * The sensitivity scenario of the routing benchmark: the cheap tier does half as well on complex and
 * critical tasks as SUCCESS_BY_TIER assumes, everything else unchanged.
 */
export const PESSIMISTIC_CHEAP_TIER: Record<ModelTier, Record<Complexity, number>> = {
  ...SUCCESS_BY_TIER,
  haiku: {
    ...SUCCESS_BY_TIER.haiku,
    complex: SUCCESS_BY_TIER.haiku.complex / 2,
    critical: SUCCESS_BY_TIER.haiku.critical / 2,
  },
};

/** A repair attempt (hook/verification output fed back) succeeds this much more often. */
export const REPAIR_BONUS = 0.1;

/** Minutes of one attempt at speed 2 (sonnet); scaled by 2 / speed, times a uniform 0.6–1.6 jitter. */
export const MINUTES_PER_ATTEMPT: Record<Complexity, number> = {
  simple: 4,
  moderate: 10,
  complex: 20,
  critical: 35,
};

export const FAILURE_MIX: { type: string; stage: 'agent' | 'commit' | 'verify' | 'merge'; share: number }[] =
  [
    { type: 'VERIFICATION_FAILED', stage: 'verify', share: 0.45 },
    { type: 'HOOK_REJECTED', stage: 'commit', share: 0.2 },
    { type: 'AGENT_INCOMPLETE', stage: 'agent', share: 0.2 },
    { type: 'RATE_LIMITED', stage: 'agent', share: 0.1 },
    { type: 'MERGE_CONFLICT', stage: 'merge', share: 0.05 },
  ];

/**
 * How an attempt's tokens spread over its API requests. The agent re-sends its history every turn, so
 * each prompt is the previous one plus the last turn's answer and tool results: the first is about
 * FIRST_PROMPT_TOKENS (system prompt, tool definitions, task) and each turn adds about
 * PROMPT_GROWTH_PER_TURN. An attempt takes the fewest turns whose prompts add up to its input tokens
 * (a moderate attempt of 120k input tokens: 7 requests of about 7k to 27k). Assumptions, like the rest here.
 */
export const FIRST_PROMPT_TOKENS = 8_000;
export const PROMPT_GROWTH_PER_TURN = 4_000;

/** The requests of one attempt: prompts growing by turn, scaled to sum to `input`; output evenly split. */
export function attemptRequests(input: number, output: number): TokenUsage[] {
  const prompt = (k: number) => FIRST_PROMPT_TOKENS + k * PROMPT_GROWTH_PER_TURN;
  let turns = 1;
  let sum = prompt(0);
  while (sum < input) sum += prompt(turns++);
  const requests: TokenUsage[] = [];
  let inputLeft = input;
  let outputLeft = output;
  for (let k = 0; k < turns; k++) {
    const last = k === turns - 1;
    const p = last ? inputLeft : Math.round((prompt(k) * input) / sum);
    const o = last ? outputLeft : Math.floor(output / turns);
    inputLeft -= p;
    outputLeft -= o;
    const cached = Math.round(p * CACHED_INPUT_SHARE);
    requests.push({ inputTokens: p - cached, cacheReadTokens: cached, cacheWriteTokens: 0, outputTokens: o });
  }
  return requests;
}

/**
 * An attempt's price as the real agent pays it: each request priced on its own, so a long-context band
 * applies only to the requests whose prompt exceeds the threshold, not to the attempt's total.
 */
export function priceAttempt(
  catalog: ModelCatalog,
  modelId: string,
  requests: readonly TokenUsage[],
): Decimal {
  return requests.reduce((usd, r) => usd.plus(priceUsage(catalog, modelId, r)), new Decimal(0));
}

// In its own module so the large-plan forecast draws without loading the model.
export { seededRandom } from './random';

export interface AgentModelOptions {
  catalog: ModelCatalog;
  /** Complexity per task id (the estimate, or a hidden true difficulty in benchmarks). */
  levelOf: (taskId: string) => Complexity;
  random: () => number;
  success?: Record<ModelTier, Record<Complexity, number>>;
}

/** An AgentScript drawing each attempt's duration, cost and outcome from the model above. */
export function stochasticAgent(options: AgentModelOptions): AgentScript {
  const { catalog, random } = options;
  const success = options.success ?? SUCCESS_BY_TIER;
  return (call) => {
    const model = findModel(catalog, call.model);
    const tier = model?.tier ?? 'sonnet';
    const level = options.levelOf(call.taskId);
    const jitter = 0.6 + random();
    const durationMs = Math.round(MINUTES_PER_ATTEMPT[level] * (2 / (model?.speed ?? 2)) * jitter * 60_000);
    const tokens = ATTEMPT_TOKENS[level];
    const requests = attemptRequests(Math.round(tokens.input * jitter), Math.round(tokens.output * jitter));
    const costUsd = model ? priceAttempt(catalog, model.id, requests).toDecimalPlaces(6).toString() : '0';
    const p = Math.min(1, success[tier][level] + (call.repairFeedback !== undefined ? REPAIR_BONUS : 0));
    if (random() < p) return { durationMs, costUsd };
    let pick = random();
    const failure = FAILURE_MIX.find((f) => (pick -= f.share) < 0) ?? FAILURE_MIX[0]!;
    const outcome: AgentOutcome = {
      durationMs,
      costUsd,
      failure: {
        type: failure.type,
        stage: failure.stage,
        details: { output: `${failure.type} (simulated)` },
      },
    };
    if (failure.type === 'RATE_LIMITED') {
      // A rate limit fails the first call: little time and money spent.
      outcome.durationMs = 5_000;
      outcome.costUsd = new Decimal(costUsd).div(20).toDecimalPlaces(6).toString();
      outcome.failure!.details = { retryAfterSeconds: 30 };
    }
    return outcome;
  };
}
