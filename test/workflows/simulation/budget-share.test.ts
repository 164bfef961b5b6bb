import Decimal from 'decimal.js';
import { DEFAULT_CATALOG, findModel } from '../../../lib/models';
import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { estimateAttemptUsd, reservationUsd } from '../../../workflows/core/routing';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const HAIKU = findModel(DEFAULT_CATALOG, 'claude-haiku-5-5')!;

/** A task estimated simple that really needs the tokens of a complex one, on whatever model runs it. */
const complexWork: AgentScript = (c) => ({
  durationMs: MIN,
  costUsd: estimateAttemptUsd(findModel(DEFAULT_CATALOG, c.model)!, 'complex'),
});

describe('the budget share of an underestimated task', () => {
  it('grows level by level on the same model until the task fits, instead of escalating at the cap', async () => {
    const p = plan([task('t')]);
    const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent: complexWork });
    const run = await simulateBuild({ input: simulationInput(p), activities });

    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(store.agentCalls.map((c) => [c.model, c.budgetUsd])).toEqual([
      [HAIKU.id, reservationUsd(HAIKU, 'simple')],
      [HAIKU.id, reservationUsd(HAIKU, 'moderate')],
      [HAIKU.id, reservationUsd(HAIKU, 'complex')],
    ]);
    expect(store.attempts.map((a) => a.decision ?? a.outcome)).toEqual([
      expect.stringMatching(/budget share for a moderate task/),
      expect.stringMatching(/budget share for a complex task/),
      'SUCCEEDED',
    ]);
  });

  it('books exactly what the attempts spent, each capped at the share it was granted', async () => {
    const p = plan([task('t')]);
    const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent: complexWork });
    const run = await simulateBuild({ input: simulationInput(p), activities });

    const total = store.attempts.reduce((sum, a) => sum.plus(a.costUsd), new Decimal(0));
    expect(run.result.summary.spentUsd).toBe(total.toString());
    store.attempts.forEach((a, i) =>
      expect(new Decimal(a.costUsd).lte(store.agentCalls[i]!.budgetUsd)).toBe(true),
    );
    expect(total.toString()).toBe(
      new Decimal(reservationUsd(HAIKU, 'simple'))
        .plus(reservationUsd(HAIKU, 'moderate'))
        .plus(estimateAttemptUsd(HAIKU, 'complex'))
        .toString(),
    );
  });

  it('never spends past the build budget while the share grows', async () => {
    const p = plan([task('t')]);
    const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent: complexWork });
    const run = await simulateBuild({ input: simulationInput(p, { budgetUsd: '0.03' }), activities });

    expect(run.result.outcome).toBe('BUDGET_EXHAUSTED');
    expect(run.result.summary.spentUsd).toBe('0.03');
    expect(store.agentCalls.map((c) => c.budgetUsd)).toEqual([
      reservationUsd(HAIKU, 'simple'),
      reservationUsd(HAIKU, 'moderate'),
      new Decimal('0.03')
        .minus(reservationUsd(HAIKU, 'simple'))
        .minus(reservationUsd(HAIKU, 'moderate'))
        .toString(),
    ]);
  });

  it('still escalates the model when the agent stops short of its share', async () => {
    const p = plan([task('t')]);
    const { activities, store } = createFakeActivities({
      plan: p,
      level: 'simple',
      agent: (c) => ({
        durationMs: MIN,
        costUsd: '0.001',
        ...(c.attempt === 1
          ? { failure: { type: 'AGENT_INCOMPLETE', stage: 'agent' as const, message: 'max turns' } }
          : {}),
      }),
    });
    const run = await simulateBuild({ input: simulationInput(p), activities });

    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(store.agentCalls.map((c) => c.model)).toEqual([HAIKU.id, 'claude-sonnet-5-5']);
    expect(store.agentCalls[1]!.budgetUsd).toBe(
      reservationUsd(findModel(DEFAULT_CATALOG, 'claude-sonnet-5-5')!, 'simple'),
    );
  });

  it('escalates once the share is sized for a critical task and still runs out', async () => {
    const p = plan([task('t')]);
    const { activities, store } = createFakeActivities({
      plan: p,
      level: 'critical',
      agent: (c) => ({ durationMs: MIN, costUsd: c.model === HAIKU.id ? '100' : '0.001' }),
    });
    const input = simulationInput(p, {
      routing: {
        tiers: { simple: 'haiku', moderate: 'haiku', complex: 'haiku', critical: 'haiku' },
        maxAttemptsPerTask: 4,
        catalog: DEFAULT_CATALOG,
      },
    });
    const run = await simulateBuild({ input, activities });

    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(store.agentCalls.map((c) => c.model)).toEqual([HAIKU.id, 'claude-sonnet-5-5']);
    expect(store.attempts[0]!.decision).toMatch(/largest budget share spent/);
  });
});
