import { DEFAULT_CATALOG } from '../../../lib/models';
import type { PlanBuildInput } from '../../../lib/contracts';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { SimFailure, simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

/**
 * Claude planning runs inside the build (a start returns at once), so its failures meet the build's
 * fallback policy there: a rate limit waits and retries the same model, overloaded switches model,
 * auth stops the build FAILED. Builds recorded before the change plan once (patched 'plan-fallback').
 */
describe('Claude planning inside the build, under the fallback policy', () => {
  const p = plan([task('a'), task('b', ['a'])]);
  const sonnet = DEFAULT_CATALOG.models.find((m) => m.tier === 'sonnet')!.id;

  async function run(failures: { type: string; details?: Record<string, unknown> }[], unpatched?: string[]) {
    const { activities, store } = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: 1000, costUsd: '0.10' }),
    });
    const calls: { model?: string }[] = [];
    const script = [...failures];
    activities.planBuild = (input: PlanBuildInput) => ({
      durationMs: 1000,
      complete: () => {
        calls.push(input.model ? { model: input.model } : {});
        const next = script.shift();
        if (next)
          throw new SimFailure(next.type, `${next.type} from the planner`, {
            costUsd: '0.02',
            ...next.details,
          });
        return { plan: p, costUsd: '0.05' };
      },
    });
    const sim = await simulateBuild({
      input: simulationInput(p, { plan: undefined, planner: 'claude', plannerModel: sonnet }),
      activities,
      ...(unpatched ? { unpatched } : {}),
    });
    return { result: sim.result, calls, store, ms: sim.endedAt - sim.startedAt };
  }

  it('waits out a rate limit and plans again on the same model; the build succeeds', async () => {
    const { result, calls, ms } = await run([{ type: 'RATE_LIMITED', details: { retryAfterSeconds: 90 } }]);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(calls.map((c) => c.model)).toEqual([sonnet, sonnet]);
    expect(ms).toBeGreaterThanOrEqual(90_000);
    // The failed try is charged too: 0.02 more than a build whose planner answered at once.
    const clean = await run([]);
    expect(Number(result.summary.spentUsd) - Number(clean.result.summary.spentUsd)).toBeCloseTo(0.02, 10);
  });

  it('switches to another model when the planner model is overloaded', async () => {
    const { result, calls } = await run([{ type: 'OVERLOADED' }]);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.model).not.toBe(sonnet);
  });

  it('stops at a rejected key: FAILED after one request, with its class', async () => {
    const { result, calls, store } = await run([{ type: 'AUTH' }]);
    expect(result.outcome).toBe('FAILED');
    expect(calls).toHaveLength(1);
    expect(result.summary.failure?.code).toBe('AUTH');
    expect(store.agentCalls).toHaveLength(0);
  });

  it('plans once, as before, when replaying a build started before the change', async () => {
    const { result, calls } = await run(
      [{ type: 'RATE_LIMITED', details: { retryAfterSeconds: 90 } }],
      ['plan-fallback'],
    );
    expect(result.outcome).toBe('FAILED');
    expect(calls).toHaveLength(1);
  });
});
