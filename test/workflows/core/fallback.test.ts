import { DEFAULT_CATALOG, type ModelCatalog } from '../../../lib/models';
import {
  decideFallback,
  initialFallbackState,
  MAX_FREE_RETRIES,
  UnknownFailureError,
  type FallbackState,
} from '../../../workflows/core/fallback';

const HAIKU = 'claude-haiku-5-5';
const SONNET = 'claude-sonnet-5-5';
const OPUS = 'claude-opus-5-5';

const bigContext: ModelCatalog = {
  ...DEFAULT_CATALOG,
  models: [
    ...DEFAULT_CATALOG.models.map((m) => ({ ...m, contextWindow: 200_000 })),
    { ...DEFAULT_CATALOG.models[1]!, id: 'claude-sonnet-5-5-long', contextWindow: 1_000_000 },
  ],
};

interface Row {
  name: string;
  type: string;
  model: string;
  details?: { retryAfterSeconds?: number; output?: string };
  state?: Partial<FallbackState>;
  catalog?: ModelCatalog;
  budgetShareSpent?: boolean;
  expect: {
    action: string;
    model: string;
    waitMs?: number;
    counted?: number;
    repairFeedback?: string;
    shareLevel?: string;
  };
}

const rows: Row[] = [
  {
    name: 'rate limit waits retry-after on the same model without using an attempt',
    type: 'RATE_LIMITED',
    model: SONNET,
    details: { retryAfterSeconds: 12 },
    expect: { action: 'retry-same-model', model: SONNET, waitMs: 12_000, counted: 0 },
  },
  {
    name: 'rate limit without retry-after waits the 30 s default',
    type: 'RATE_LIMITED',
    model: SONNET,
    expect: { action: 'retry-same-model', model: SONNET, waitMs: 30_000, counted: 0 },
  },
  {
    name: 'overloaded waits, then moves to the next model',
    type: 'OVERLOADED',
    model: SONNET,
    expect: { action: 'switch-model', model: OPUS, waitMs: 5_000, counted: 1 },
  },
  {
    name: 'overloaded on the top tier moves down rather than waiting forever',
    type: 'OVERLOADED',
    model: OPUS,
    expect: { action: 'switch-model', model: SONNET, counted: 1 },
  },
  {
    name: 'context too long moves to a model with a larger window',
    type: 'CONTEXT_TOO_LONG',
    model: SONNET,
    catalog: bigContext,
    expect: { action: 'switch-model', model: 'claude-sonnet-5-5-long', counted: 1 },
  },
  {
    name: 'context too long fails when no model has a larger window',
    type: 'CONTEXT_TOO_LONG',
    model: SONNET,
    expect: { action: 'stop', model: SONNET },
  },
  {
    name: 'timeout moves to a faster model',
    type: 'TIMEOUT',
    model: OPUS,
    expect: { action: 'switch-model', model: SONNET, counted: 1 },
  },
  {
    name: 'timeout on the fastest model retries it once',
    type: 'TIMEOUT',
    model: HAIKU,
    expect: { action: 'retry-same-model', model: HAIKU, counted: 1 },
  },
  {
    name: 'a second timeout on the fastest model stops',
    type: 'TIMEOUT',
    model: HAIKU,
    state: { timeoutRetried: true },
    expect: { action: 'stop', model: HAIKU },
  },
  {
    name: 'hook rejection gets one repair attempt on the same model with the output',
    type: 'HOOK_REJECTED',
    model: SONNET,
    details: { output: 'lint: 3 errors' },
    expect: { action: 'repair', model: SONNET, repairFeedback: 'lint: 3 errors', counted: 1 },
  },
  {
    name: 'hook rejection after a repair escalates to a stronger tier',
    type: 'HOOK_REJECTED',
    model: SONNET,
    details: { output: 'x' },
    state: { repairedOn: SONNET },
    expect: { action: 'switch-model', model: OPUS, repairFeedback: 'x' },
  },
  {
    name: 'verification failure gets one repair attempt on the same model',
    type: 'VERIFICATION_FAILED',
    model: HAIKU,
    details: { output: '2 tests failed' },
    expect: { action: 'repair', model: HAIKU, repairFeedback: '2 tests failed' },
  },
  {
    name: 'verification failure after a repair on the top tier stops',
    type: 'VERIFICATION_FAILED',
    model: OPUS,
    state: { repairedOn: OPUS },
    expect: { action: 'stop', model: OPUS },
  },
  {
    name: 'a failed quality gate gets one repair attempt on the same model with its findings',
    type: 'QUALITY_GATE_FAILED',
    model: HAIKU,
    details: { output: 'lint: no-unused-vars at src/a.js:3' },
    expect: {
      action: 'repair',
      model: HAIKU,
      repairFeedback: 'lint: no-unused-vars at src/a.js:3',
      counted: 1,
    },
  },
  {
    name: 'a quality gate failed again after a repair escalates with the findings',
    type: 'QUALITY_GATE_FAILED',
    model: HAIKU,
    details: { output: 'score 60 < 80' },
    state: { repairedOn: HAIKU },
    expect: { action: 'switch-model', model: SONNET, repairFeedback: 'score 60 < 80' },
  },
  {
    name: 'merge conflict redoes the task on the updated base and counts as an attempt',
    type: 'MERGE_CONFLICT',
    model: SONNET,
    expect: { action: 'retry-same-model', model: SONNET, waitMs: 0, counted: 1 },
  },
  {
    name: 'auth failure stops, not retryable',
    type: 'AUTH',
    model: SONNET,
    expect: { action: 'stop', model: SONNET },
  },
  {
    name: 'invalid request stops, not retryable',
    type: 'INVALID_REQUEST',
    model: SONNET,
    expect: { action: 'stop', model: SONNET },
  },
  {
    name: 'invalid plan stops, not retryable',
    type: 'INVALID_PLAN',
    model: SONNET,
    expect: { action: 'stop', model: SONNET },
  },
  {
    name: 'quota exhausted waits for the build breaker without using an attempt',
    type: 'QUOTA_EXHAUSTED',
    model: SONNET,
    expect: { action: 'wait-for-breaker', model: SONNET, counted: 0 },
  },
  {
    name: 'server error waits and retries the same model',
    type: 'SERVER_ERROR',
    model: SONNET,
    expect: { action: 'retry-same-model', model: SONNET, waitMs: 5_000, counted: 0 },
  },
  {
    name: 'a repeated network error backs off longer',
    type: 'NETWORK',
    model: SONNET,
    state: { streak: 2 },
    expect: { action: 'retry-same-model', model: SONNET, waitMs: 20_000 },
  },
  {
    name: 'an incomplete agent that did not spend its budget share escalates to a stronger tier',
    type: 'AGENT_INCOMPLETE',
    model: HAIKU,
    expect: { action: 'switch-model', model: SONNET, counted: 1, shareLevel: 'moderate' },
  },
  {
    name: 'an agent that spent its budget share retries the same model with a share for the next level',
    type: 'AGENT_INCOMPLETE',
    model: HAIKU,
    budgetShareSpent: true,
    expect: { action: 'grow-share', model: HAIKU, waitMs: 0, counted: 1, shareLevel: 'complex' },
  },
  {
    name: 'an agent that spent a share already sized for a critical task escalates to a stronger tier',
    type: 'AGENT_INCOMPLETE',
    model: HAIKU,
    budgetShareSpent: true,
    state: { shareLevel: 'critical' },
    expect: { action: 'switch-model', model: SONNET, counted: 1, shareLevel: 'critical' },
  },
  {
    name: 'an agent that spent the largest share on the top tier stops',
    type: 'AGENT_INCOMPLETE',
    model: OPUS,
    budgetShareSpent: true,
    state: { shareLevel: 'critical' },
    expect: { action: 'stop', model: OPUS },
  },
  {
    name: 'growing the share on the last allowed attempt stops with attempts exhausted',
    type: 'AGENT_INCOMPLETE',
    model: HAIKU,
    budgetShareSpent: true,
    state: { counted: 3 },
    expect: { action: 'stop', model: HAIKU },
  },
  {
    name: 'an incomplete agent on the top tier stops',
    type: 'AGENT_INCOMPLETE',
    model: OPUS,
    expect: { action: 'stop', model: OPUS },
  },
  {
    name: 'the last allowed attempt stops with attempts exhausted',
    type: 'MERGE_CONFLICT',
    model: SONNET,
    state: { counted: 3 },
    expect: { action: 'stop', model: SONNET },
  },
  {
    name: 'free retries become counted once the per-task allowance is used',
    type: 'RATE_LIMITED',
    model: SONNET,
    state: { free: MAX_FREE_RETRIES },
    expect: { action: 'retry-same-model', model: SONNET, counted: 1 },
  },
];

describe('the fallback matrix', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const state = { ...initialFallbackState(row.model, 'moderate'), ...row.state };
    const { decision, state: next } = decideFallback({
      type: row.type,
      details: row.details,
      state,
      catalog: row.catalog ?? DEFAULT_CATALOG,
      maxAttempts: 4,
      budgetShareSpent: row.budgetShareSpent,
    });
    expect(decision.action).toBe(row.expect.action);
    expect(decision.model).toBe(row.expect.model);
    if (row.expect.waitMs !== undefined) expect(decision.waitMs).toBe(row.expect.waitMs);
    if (row.expect.counted !== undefined) expect(next.counted).toBe(row.expect.counted);
    if (row.expect.repairFeedback !== undefined)
      expect(decision.repairFeedback).toBe(row.expect.repairFeedback);
    if (row.expect.shareLevel !== undefined) expect(next.shareLevel).toBe(row.expect.shareLevel);
    expect(decision.label.length).toBeGreaterThan(5);
  });

  it('runs a try whose worker died again at once, on the same model, free, and leaves the API streak alone', () => {
    const state = { ...initialFallbackState(HAIKU, 'simple'), streak: 2 };
    const lost = (retryLostWorkerAtOnce?: boolean) =>
      decideFallback({
        type: 'NETWORK',
        details: { workerLost: true },
        state,
        catalog: DEFAULT_CATALOG,
        maxAttempts: 4,
        outageWaitMs: 3_600_000,
        ...(retryLostWorkerAtOnce ? { retryLostWorkerAtOnce } : {}),
      });
    const now = lost(true);
    expect(now.decision).toMatchObject({ action: 'retry-same-model', model: HAIKU, waitMs: 0 });
    expect(now.decision.label).toMatch(/worker lost/);
    expect(now.state).toMatchObject({ counted: 0, free: 1, streak: 2 });
    // Histories from before patch 'worker-lost-at-once': the backoff (and outage wait) they had.
    expect(lost().decision.waitMs).toBeGreaterThan(0);
    // A worker that keeps dying still uses up the free retries, then counts attempts.
    expect(
      decideFallback({
        type: 'NETWORK',
        details: { workerLost: true },
        state: { ...state, free: MAX_FREE_RETRIES, counted: 3 },
        catalog: DEFAULT_CATALOG,
        maxAttempts: 4,
        retryLostWorkerAtOnce: true,
      }).decision.action,
    ).toBe('stop');
  });

  it('rethrows an unknown failure type instead of guessing', () => {
    expect(() =>
      decideFallback({
        type: 'SOMETHING_NEW',
        state: initialFallbackState(SONNET, 'moderate'),
        catalog: DEFAULT_CATALOG,
        maxAttempts: 4,
      }),
    ).toThrow(UnknownFailureError);
  });

  it('does not mutate the state it was given', () => {
    const state = initialFallbackState(HAIKU, 'simple');
    decideFallback({
      type: 'AGENT_INCOMPLETE',
      state,
      catalog: DEFAULT_CATALOG,
      maxAttempts: 4,
      budgetShareSpent: true,
    });
    expect(state).toEqual(initialFallbackState(HAIKU, 'simple'));
  });
});
