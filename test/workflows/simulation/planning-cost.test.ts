import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

/** Claude planning done by `br build start` before the workflow exists is charged to the build's budget. */
describe('the cost of planning before the start', () => {
  const p = plan([task('a'), task('b', ['a'])]);
  const run = async (planningCostUsd?: string) => {
    const { activities, store } = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: 1000, costUsd: '0.10' }),
    });
    const result = await simulateBuild({
      input: simulationInput(p, { budgetUsd: '1', ...(planningCostUsd ? { planningCostUsd } : {}) }),
      activities,
    });
    return { result: result.result, store };
  };

  it('counts in the spent total and the budget alerts', async () => {
    const without = await run();
    const withPlanning = await run('0.45');
    expect(
      Number(withPlanning.result.summary.spentUsd) - Number(without.result.summary.spentUsd),
    ).toBeCloseTo(0.45, 10);
    expect(Number(without.result.summary.spentUsd)).toBeLessThan(0.5);
    const alerts = (r: typeof without) =>
      [...r.store.events.values()].filter((e) => e.type === 'BUDGET_ALERT').map((e) => e.data?.threshold);
    expect(alerts(without)).toEqual([]);
    expect(alerts(withPlanning)).toEqual([0.5, 0.8]);
  });

  it('can exhaust the budget before any task runs', async () => {
    const { result, store } = await run('1.20');
    expect(result.outcome).toBe('BUDGET_EXHAUSTED');
    expect(store.agentCalls).toHaveLength(0);
  });
});
