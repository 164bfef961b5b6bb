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

  /**
   * A scripted API: `refuses(model, tryOnModel)` says whether that model's nth try is overloaded. Runs
   * the task's tries until one gets through, and gives the model it got through on and the time waited.
   */
  function against(refuses: (model: string, n: number) => boolean, probeOthers: boolean) {
    let state: FallbackState = initialFallbackState(HAIKU, 'simple');
    const tries = new Map<string, number>();
    const decisions: FallbackDecision[] = [];
    let waitedMs = 0;
    while (waitedMs < 2 * LIMIT) {
      const n = (tries.get(state.model) ?? 0) + 1;
      tries.set(state.model, n);
      if (!refuses(state.model, n)) return { through: state.model, waitedMs, decisions, state };
      const d = decideFallback({
        type: 'OVERLOADED',
        state,
        catalog: DEFAULT_CATALOG,
        maxAttempts: 3,
        outageWaitMs: LIMIT,
        ...(probeOthers ? { outageProbeOthers: true } : {}),
      });
      decisions.push(d.decision);
      state = d.state;
      waitedMs += d.decision.waitMs;
      if (d.decision.action === 'stop') break;
    }
    return { through: undefined, waitedMs, decisions, state };
  }

  // Haiku overloaded all along; Sonnet refuses its first try only (a blip), then answers.
  const haikuDownSonnetBlip = (model: string, n: number) => model === HAIKU || n === 1;

  it('one 529 from the fallback model during an overload of the first: the fallback model is probed again within minutes', () => {
    const { through, waitedMs, decisions, state } = against(haikuDownSonnetBlip, true);
    expect(through).toBe(SONNET);
    expect(waitedMs).toBeLessThanOrEqual(2 * 60_000);
    expect(decisions.at(-1)!.label).toMatch(
      /^API unavailable \(overloaded on .*\); next probe on claude-sonnet-5-5/,
    );
    expect(state.counted).toBe(0);
  });

  it('before patch outage-probe-others the same task probed only the first model until the limit', () => {
    const { through, waitedMs } = against(haikuDownSonnetBlip, false);
    expect(through).toBe(SONNET);
    expect(waitedMs).toBeGreaterThanOrEqual(LIMIT);
  });

  it('529 on every model: the probes stay on the first model, the others probed after 2, 4, 8 refusals', () => {
    const { through, decisions } = against(() => true, true);
    expect(through).toBeUndefined();
    const probes = decisions.filter((d) => d.label.startsWith('API unavailable')).map((d) => d.model);
    // After the first fallback's 529: haiku ×2, sonnet, haiku ×4, sonnet, haiku ×8 (the 10-minute limit ends it first).
    expect(probes).toEqual([HAIKU, HAIKU, SONNET, HAIKU, HAIKU, HAIKU, HAIKU, SONNET]);
  });
});
