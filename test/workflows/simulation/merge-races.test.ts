import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild, type SimActivities } from '../../../workflows/simulation/runtime';
import { MAX_MERGE_ROUNDS } from '../../../workflows/core/task-try';
import { plan, task } from '../../fixtures/simulation';

const agent: AgentScript = () => ({ durationMs: 60_000, costUsd: '0.0001' });

/** The merge activity of task b loses every race `losses` times (other merges kept moving the branch). */
async function run(losses: number, unpatched: string[] = []) {
  const p = plan([task('a'), task('b')]);
  const fakes = createFakeActivities({ plan: p, agent, level: 'simple' });
  let lost = 0;
  const activities: SimActivities = {
    ...fakes.activities,
    mergeTask: (input) => {
      if (input.taskId !== 'b' || lost >= losses) return fakes.activities.mergeTask(input);
      lost += 1;
      return { durationMs: 30_000, complete: () => ({ mergeCommit: '', lostRaces: 25, raceLost: true }) };
    },
  };
  const sim = await simulateBuild({ input: simulationInput(p), activities, unpatched });
  const attempts = fakes.store.attempts.filter((x) => x.taskId === 'b');
  return { result: sim.result, attempts, merged: fakes.store.merged };
}

describe('a task that keeps losing the race to merge', () => {
  it('merges again without using up an attempt, and succeeds', async () => {
    const { result, attempts, merged } = await run(5);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(attempts.map((x) => [x.attempt, x.outcome])).toEqual([[1, 'SUCCEEDED']]);
    expect(merged).toContain('b');
  });

  it('after every merge of a try lost, runs again on a free retry, never MERGE_CONFLICT', async () => {
    const { result, attempts } = await run(MAX_MERGE_ROUNDS + 1);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(attempts.map((x) => [x.attempt, x.outcome, x.failureClass])).toEqual([
      [1, 'FAILED', 'NETWORK'],
      [2, 'SUCCEEDED', undefined],
    ]);
  });

  it('in an older history (without the change) an empty merge still counts as MERGE_CONFLICT', async () => {
    const { attempts } = await run(1, ['merge-race-free']);
    expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'FAILED', failureClass: 'MERGE_CONFLICT' });
  });
});
