import Decimal from 'decimal.js';
import { DEFAULT_CATALOG, findModel } from '../../../lib/models';
import { BudgetLedger } from '../../../workflows/core/budget';
import { BuildBudget } from '../../../workflows/core/build-budget';
import { Outbox } from '../../../workflows/core/outbox';
import { estimateAttemptUsd } from '../../../workflows/core/routing';
import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;

/** Task `big` needs a complex task's tokens (so it retries with a bigger share); the others fit at once. */
const agent: AgentScript = (c) => ({
  durationMs: MIN,
  costUsd: estimateAttemptUsd(
    findModel(DEFAULT_CATALOG, c.model)!,
    c.taskId === 'big' ? 'complex' : 'simple',
  ),
});

async function run(unpatched: string[], budgetUsd?: string) {
  const p = plan([task('a'), task('big'), task('c', ['a']), task('d', ['big'])]);
  const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent });
  const input = simulationInput(p, budgetUsd ? { budgetUsd } : {});
  const sim = await simulateBuild({ input, activities, unpatched });
  return { sim, store };
}

describe('the lean task protocol (issue 31: first grant in the input, last cost in the result)', () => {
  it('books the same spend, shares and attempts as the reservation round trip it replaces', async () => {
    const lean = await run([]);
    const old = await run(['lean-task-protocol']);

    expect(lean.sim.result.outcome).toBe('SUCCEEDED');
    expect(lean.sim.result.summary.spentUsd).toBe(old.sim.result.summary.spentUsd);
    const total = lean.store.attempts.reduce((sum, a) => sum.plus(a.costUsd), new Decimal(0));
    expect(lean.sim.result.summary.spentUsd).toBe(total.toString());
    const calls = (s: typeof lean.store) =>
      s.agentCalls.map((c) => `${c.taskId}#${c.attempt} ${c.budgetUsd}`).sort();
    expect(calls(lean.store)).toEqual(calls(old.store));
    expect(lean.store.attempts.filter((a) => a.taskId === 'big').length).toBeGreaterThan(1);
  });

  it('still stops at the budget when the first grants use it up', async () => {
    const lean = await run([], '0.03');
    const old = await run(['lean-task-protocol'], '0.03');
    expect(lean.sim.result.outcome).toBe(old.sim.result.outcome);
    expect(new Decimal(lean.sim.result.summary.spentUsd).lte('0.03')).toBe(true);
  });

  it('grants nothing at a start while an earlier request waits for its answer', () => {
    const budget = new BuildBudget(new BudgetLedger('10'), MIN, new Outbox('b', () => 0));
    expect(budget.grantAtStart({ taskId: 'a', attempt: 1, usd: '1' })).toBe('1');
    budget.hold({ taskId: 'b', attempt: 2, usd: '1' });
    expect(budget.grantAtStart({ taskId: 'c', attempt: 1, usd: '1' })).toBeUndefined();
  });
});
