import Decimal from 'decimal.js';
import { DEFAULT_CATALOG, priceUsage, type TokenUsage } from '../../../lib/models';
import {
  attemptRequests,
  FIRST_PROMPT_TOKENS,
  priceAttempt,
  seededRandom,
  stochasticAgent,
} from '../../../workflows/simulation/model';
import type { RunAgentInput } from '../../../lib/contracts';
import { ATTEMPT_TOKENS } from '../../../workflows/core/routing';

const HAIKU = 'claude-haiku-5-5';
const prompt = (r: TokenUsage) => r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens;
const sum = (rs: TokenUsage[], f: (r: TokenUsage) => number) => rs.reduce((s, r) => s + f(r), 0);

describe('the simulated agent prices an attempt request by request', () => {
  it('splits an attempt into growing prompts that add up to its tokens exactly', () => {
    const requests = attemptRequests(600_000, 60_000);
    expect(requests.length).toBeGreaterThan(10);
    expect(sum(requests, prompt)).toBe(600_000);
    expect(sum(requests, (r) => r.outputTokens)).toBe(60_000);
    for (let i = 1; i < requests.length; i++)
      expect(prompt(requests[i]!)).toBeGreaterThan(prompt(requests[i - 1]!));
    expect(prompt(requests[0]!)).toBeLessThanOrEqual(FIRST_PROMPT_TOKENS);
  });

  it('pays haiku base rates on a critical attempt whose requests all stay under the long-context threshold', () => {
    const { input, output } = ATTEMPT_TOKENS.critical;
    const requests = attemptRequests(input, output);
    expect(Math.max(...requests.map(prompt))).toBeLessThan(100_000);
    const perRequest = priceAttempt(DEFAULT_CATALOG, HAIKU, requests);
    const asOneRequest = priceUsage(DEFAULT_CATALOG, HAIKU, {
      inputTokens: sum(requests, (r) => r.inputTokens),
      cacheReadTokens: sum(requests, (r) => r.cacheReadTokens),
      cacheWriteTokens: 0,
      outputTokens: output,
    });
    expect(asOneRequest.div(perRequest).toNumber()).toBeCloseTo(5, 5);
  });

  it('applies the long-context band only to the requests above the threshold', () => {
    const small: TokenUsage = {
      inputTokens: 50_000,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
    };
    const large: TokenUsage = { ...small, inputTokens: 150_000 };
    const usd = priceAttempt(DEFAULT_CATALOG, HAIKU, [small, large]);
    expect(usd.toString()).toBe(new Decimal(50_000 * 0.1 + 150_000 * 0.5).div(1_000_000).toString());
  });

  it('draws the same costs and outcomes from the same seed', () => {
    const call = (attempt: number): RunAgentInput =>
      ({ taskId: 't', attempt, model: HAIKU, budgetUsd: '1' }) as RunAgentInput;
    const draw = () => {
      const agent = stochasticAgent({
        catalog: DEFAULT_CATALOG,
        levelOf: () => 'complex',
        random: seededRandom(7),
      });
      return [1, 2, 3, 4, 5].map((n) => agent(call(n)));
    };
    const first = draw();
    expect(draw()).toEqual(first);
    expect(new Set(first.map((o) => o.costUsd)).size).toBeGreaterThan(1);
  });
});
