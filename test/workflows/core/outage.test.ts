/**
 * An API outage is waited out, not paid for with attempts (issue 27): overloaded on every model, or
 * 5xx / no connection, waits with backoff on the model the task was on, until anthropic.outageWaitMinutes;
 * an overload that only one model has still falls back. Without the limit (histories from before
 * patch 'api-outage-wait') the old decisions stand.
 */
import { DEFAULT_CATALOG } from '../../../lib/models';
import {
  decideFallback,
  initialFallbackState,
  type FallbackDecision,
  type FallbackState,
} from '../../../workflows/core/fallback';

const HAIKU = 'claude-haiku-5-5';
const SONNET = 'claude-sonnet-5-5';
const LIMIT = 10 * 60_000;

function run(types: string[], outageWaitMs: number | null = LIMIT, maxAttempts = 3) {
  let state: FallbackState = initialFallbackState(HAIKU, 'simple');
  const decisions: FallbackDecision[] = [];
  for (const type of types) {
    const limit = outageWaitMs === null ? {} : { outageWaitMs };
    const d = decideFallback({ type, state, catalog: DEFAULT_CATALOG, maxAttempts, ...limit });
    decisions.push(d.decision);
    state = d.state;
    if (d.decision.action === 'stop') break;
  }
  return { decisions, state };
}

describe('API outages in the fallback matrix', () => {
  it('529 on every model for minutes: one fallback, then waits on the first model, no attempt counted', () => {
    const { decisions, state } = run(Array(8).fill('OVERLOADED'));
    expect(decisions[0]).toMatchObject({ action: 'switch-model', model: SONNET });
    const waits = decisions.slice(1);
    expect(waits.every((d) => d.action === 'retry-same-model' && d.model === HAIKU)).toBe(true);
    expect(waits[0]!.label).toMatch(
      /^API unavailable \(overloaded on claude-haiku-5-5, claude-sonnet-5-5\); next probe on claude-haiku-5-5 in 10s/,
    );
    // Backoff: 10 s, 20 s, …, capped at 2 minutes.
    expect(waits.map((d) => d.waitMs).slice(0, 5)).toEqual([10_000, 20_000, 40_000, 80_000, 120_000]);
    expect(state.counted).toBe(0);
    expect(decisions.some((d) => d.action === 'stop')).toBe(false);
  });

  it('after the outage limit, failures count again and the task stops', () => {
    const { decisions, state } = run(Array(40).fill('SERVER_ERROR'), 60_000);
    const waited = decisions.filter((d) => d.label.startsWith('API unavailable'));
    expect(waited.map((d) => d.waitMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(decisions.at(-1)!.action).toBe('stop');
    expect(state.counted).toBe(3);
  });

  it('5xx and refused connections wait without using the free retries', () => {
    const { decisions, state } = run([...Array(7).fill('SERVER_ERROR'), ...Array(2).fill('NETWORK')]);
    expect(decisions.every((d) => d.action === 'retry-same-model' && d.model === HAIKU)).toBe(true);
    expect(state).toMatchObject({ counted: 0, free: 0 });
  });

  it('an overload only one model has still falls back (and stays there)', () => {
    const { decisions, state } = run(['OVERLOADED']);
    expect(decisions[0]).toMatchObject({ action: 'switch-model', model: SONNET });
    expect(state.counted).toBe(1);
  });

  it('a failure of the task itself ends the outage streak', () => {
    const { decisions } = run(['OVERLOADED', 'VERIFICATION_FAILED', 'OVERLOADED'], LIMIT, 5);
    expect(decisions.map((d) => d.action)).toEqual(['switch-model', 'repair', 'switch-model']);
  });

  it('without the limit (before patch api-outage-wait) the ladder is burnt as before', () => {
    const { decisions } = run(Array(4).fill('OVERLOADED'), null);
    expect(decisions.map((d) => d.action)).toEqual(['switch-model', 'switch-model', 'stop']);
  });
});
