import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { withSharedFiles } from '../../../workflows/simulation/shared-files';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const SHARED = 'src/server.ts';
/** a merges first; b conflicts and cannot be resolved; c, which began with them, conflicts later. */
const minutes: Record<string, number> = { a: 1, b: 2, c: 3 };

async function run(resolves: (taskId: string) => boolean, unpatched: string[] = []) {
  const p = plan([task('a'), task('b'), task('c')]);
  const fakes = createFakeActivities({
    plan: p,
    level: 'simple',
    agent: (c) => ({ durationMs: minutes[c.taskId]! * MIN, costUsd: '0.0001' }),
    resolve: (r) => ({ durationMs: 5_000, costUsd: '0.0001', resolved: resolves(r.taskId) }),
  });
  const { activities, log } = withSharedFiles(fakes.activities, { touches: () => [SHARED] });
  const sim = await simulateBuild({ input: simulationInput(p, { parallel: 3 }), activities, unpatched });
  const attempt = (id: string, n: number) =>
    fakes.store.attempts.find((a) => a.taskId === id && a.attempt === n)!;
  const redos = (id: string) =>
    fakes.store.attempts.filter((a) => a.taskId === id && a.failureClass === 'MERGE_CONFLICT').length;
  return { sim, log, attempt, redos };
}

describe('a redo after a failed resolution, beside attempts that began before it', () => {
  it('starts at once, and their resolutions wait for its merge: still one redo per task', async () => {
    const { sim, log, attempt, redos } = await run(() => false);

    expect(sim.result.outcome).toBe('SUCCEEDED');
    expect(log.conflicts).toEqual(['b', 'c']);
    expect(['a', 'b', 'c'].map(redos)).toEqual([0, 1, 1]);
    // b's redo began while c's first attempt still ran; c's resolution waited until b's redo merged.
    expect(attempt('b', 2).startedAt).toBeLessThan(attempt('c', 1).finishedAt);
    expect(attempt('c', 1).finishedAt).toBeGreaterThan(attempt('b', 2).finishedAt);
    expect(attempt('c', 2).startedAt).toBeGreaterThanOrEqual(attempt('c', 1).finishedAt);
    expect(sim.endedAt - sim.startedAt).toBeLessThan(8 * MIN);
  });

  it('is not redone again when a resolution of theirs succeeds: it lands after the redo', async () => {
    const { sim, log, redos, attempt } = await run((id) => id === 'c');

    expect(sim.result.outcome).toBe('SUCCEEDED');
    expect(log.conflicts).toEqual(['b', 'c']);
    expect(log.resolved).toEqual(['c']);
    expect(['a', 'b', 'c'].map(redos)).toEqual([0, 1, 0]);
    expect(attempt('c', 1).finishedAt).toBeGreaterThan(attempt('b', 2).finishedAt);
  });

  it('without the change (an older history) waits for every attempt in flight', async () => {
    const { sim, attempt } = await run(() => false, ['redo-beside-older-attempts']);

    expect(sim.result.outcome).toBe('SUCCEEDED');
    expect(attempt('b', 2).startedAt).toBeGreaterThanOrEqual(attempt('c', 1).finishedAt);
    expect(sim.endedAt - sim.startedAt).toBeGreaterThanOrEqual(8 * MIN);
  });
});
