import type { BuildHandlers } from '../../../workflows/core/port';
import { steer, type SteeringUpdates } from '../../../workflows/core/steering';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;

/** Runs a two-task build and applies `apply` to its steering updates at each of `times` (virtual ms). */
async function steerAt(times: number[], apply: (u: SteeringUpdates, h: BuildHandlers) => unknown) {
  const p = plan([task('a'), task('b', ['a'])]);
  const { activities } = createFakeActivities({
    plan: p,
    agent: () => ({ durationMs: 10 * MIN, costUsd: '0.01' }),
  });
  const answers: unknown[] = [];
  const run = await simulateBuild({
    input: simulationInput(p),
    activities,
    controls: times.map((afterMs) => ({
      afterMs,
      apply: (h, updates) => {
        try {
          answers.push(apply(updates, h));
        } catch (err) {
          answers.push((err as Error).message);
        }
      },
    })),
  });
  return { run, answers };
}

describe('steering rules, shared by the Temporal updates and the simulation', () => {
  it.each([
    ['0', 'the raise must be a positive amount in USD such as 5 or 12.50, not "0"'],
    ['0.00', 'the raise must be a positive amount in USD such as 5 or 12.50, not "0.00"'],
    ['-3', 'the raise must be a positive amount in USD such as 5 or 12.50, not "-3"'],
    ['five', 'the raise must be a positive amount in USD such as 5 or 12.50, not "five"'],
  ])('refuses a raise of "%s" and leaves the budget as it was', async (usd, reason) => {
    const { run, answers } = await steerAt([MIN], (u) => steer(u.raiseBudget, usd));
    expect(answers).toEqual([reason]);
    expect(run.result.summary.budgetUsd).toBe('1000');
  });

  it('answers an accepted raise with the state after it', async () => {
    const { run, answers } = await steerAt([MIN], (u) => steer(u.raiseBudget, '5'));
    expect(answers).toEqual([expect.objectContaining({ status: 'RUNNING', paused: false, running: 1 })]);
    expect(answers[0]).toMatchObject({ budget: { limitUsd: '1005' } });
    expect(run.result.summary.budgetUsd).toBe('1005');
  });

  it('refuses a pause while the build is cancelling', async () => {
    let calls = 0;
    const { run, answers } = await steerAt([MIN, MIN + 1], (u, h) =>
      ++calls === 1 ? h.cancel() : steer(u.pause),
    );
    expect(run.result.outcome).toBe('CANCELLED');
    expect(answers).toEqual([undefined, 'the build is cancelling']);
  });
});
