import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { withSharedFiles } from '../../../workflows/simulation/shared-files';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const SHARED = 'src/server.ts';
/** a merges first, b and c conflict and cannot be resolved; d, e and f start only in the next run. */
const minutes: Record<string, number> = { a: 1, b: 2, c: 3, d: 2, e: 3, f: 4 };

async function run(unpatched: string[] = []) {
  const p = plan(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => task(id)));
  const fakes = createFakeActivities({
    plan: p,
    level: 'simple',
    agent: (c) => ({ durationMs: minutes[c.taskId]! * MIN, costUsd: '0.0001' }),
    resolve: () => ({ durationMs: 5_000, costUsd: '0.0001', resolved: false }),
  });
  const { activities, log } = withSharedFiles(fakes.activities, { touches: () => [SHARED] });
  const sim = await simulateBuild({
    input: simulationInput(p, { parallel: 3 }),
    activities,
    continueAsNewAfterStarts: 3,
    unpatched,
  });
  return { sim, log, attempts: fakes.store.attempts };
}

describe('a file made hot by failed resolutions', () => {
  it('stays hot when the build continues as new: the next run starts its tasks one at a time', async () => {
    const { sim, log, attempts } = await run();

    expect(sim.runs).toBe(2);
    expect(sim.result.outcome).toBe('SUCCEEDED');
    // Only the first run's tasks conflicted; d, e and f ran one after the other and merged at once.
    expect(log.conflicts).toEqual(['b', 'c']);
    const later = attempts.filter((a) => ['d', 'e', 'f'].includes(a.taskId));
    expect(later).toHaveLength(3);
    const sorted = [...later].sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.startedAt).toBeGreaterThanOrEqual(sorted[i - 1]!.finishedAt);
  });

  it('without the change (an older history) is forgotten: the next run races for it again', async () => {
    const { sim, log } = await run(['conflict-state-carried']);

    expect(sim.runs).toBe(2);
    expect(sim.result.outcome).toBe('SUCCEEDED');
    expect(log.conflicts.filter((id) => ['d', 'e', 'f'].includes(id)).length).toBeGreaterThan(0);
  });
});
