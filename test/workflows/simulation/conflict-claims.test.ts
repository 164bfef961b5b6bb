import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { withSharedFiles } from '../../../workflows/simulation/shared-files';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const SHARED = 'src/server.ts';
/** Task a takes 1 minute, b 2, c 3: a merges first, b and c conflict on the file none of them planned. */
const minutes: Record<string, number> = { a: 1, b: 2, c: 3 };
const agent: AgentScript = (c) => ({ durationMs: minutes[c.taskId]! * MIN, costUsd: '0.0001' });

async function run(unpatched: string[] = []) {
  const p = plan([task('a', [], ['src/a.ts']), task('b', [], ['src/b.ts']), task('c', [], ['src/c.ts'])]);
  const fakes = createFakeActivities({ plan: p, agent, level: 'simple' });
  const { activities, log } = withSharedFiles(fakes.activities, { touches: () => [SHARED] });
  const result = await simulateBuild({ input: simulationInput(p, { parallel: 3 }), activities, unpatched });
  const attempt = (id: string, n: number) =>
    fakes.store.attempts.find((a) => a.taskId === id && a.attempt === n)!;
  return { result: result.result, log, store: fakes.store, attempt };
}

describe('a file learned from a merge conflict', () => {
  it('is claimed by the next attempt, which then never runs beside another attempt claiming it', async () => {
    const { result, log, attempt, store } = await run();

    expect(result.outcome).toBe('SUCCEEDED');
    expect(log.conflicts).toEqual(['b', 'c']);
    // b and c both learned src/server.ts; c's redo waits for b's redo to end, then starts on its merge.
    expect(attempt('c', 2).startedAt).toBeGreaterThanOrEqual(attempt('b', 2).finishedAt);
    expect(store.attempts.filter((a) => a.outcome === 'FAILED')).toHaveLength(2);
  });

  it('without the change (an older history) the two redos race and c conflicts a second time', async () => {
    const { result, log, attempt } = await run(['conflict-claims']);

    expect(result.outcome).toBe('SUCCEEDED');
    expect(attempt('c', 2).startedAt).toBeLessThan(attempt('b', 2).finishedAt);
    expect(log.conflicts).toEqual(['b', 'c', 'c']);
  });
});

describe('a redo after a resolution that failed', () => {
  /** a merges first; d starts in a's slot on the new branch; b conflicts, then c. */
  const mins: Record<string, number> = { a: 1, b: 2, c: 6, d: 3 };
  async function race(unpatched: string[] = []) {
    const p = plan([task('a'), task('b'), task('c'), task('d')]);
    const fakes = createFakeActivities({
      plan: p,
      level: 'simple',
      agent: (c) => ({ durationMs: mins[c.taskId]! * MIN, costUsd: '0.0001' }),
      resolve: () => ({ durationMs: 5_000, costUsd: '0.0001', resolved: false }),
    });
    const { activities, log } = withSharedFiles(fakes.activities, { touches: () => [SHARED] });
    const sim = await simulateBuild({ input: simulationInput(p, { parallel: 3 }), activities, unpatched });
    const attempts = fakes.store.attempts;
    const redos = (id: string) =>
      attempts.filter((a) => a.taskId === id && a.failureClass === 'MERGE_CONFLICT').length;
    return { result: sim.result, log, attempts, redos };
  }

  it('runs alone: after every attempt in flight, none beside it, so no task is redone twice', async () => {
    const { result, log, attempts, redos } = await race();

    expect(result.outcome).toBe('SUCCEEDED');
    expect(['a', 'b', 'c', 'd'].map(redos)).toEqual([0, 1, 1, 0]);
    expect(log.conflicts).toEqual(['b', 'c']);
    // Every attempt after the first failed resolution ran with no other attempt beside it.
    const failedAt = attempts.find((a) => a.taskId === 'b' && a.attempt === 1)!.finishedAt;
    const later = attempts.filter((a) => a.startedAt >= failedAt).sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < later.length; i++)
      expect(later[i]!.startedAt).toBeGreaterThanOrEqual(later[i - 1]!.finishedAt);
  });

  it('without the change (an older history) it races a task already running and is redone twice', async () => {
    const { result, redos } = await race(['conflict-redo-alone']);

    expect(result.outcome).toBe('SUCCEEDED');
    expect(redos('b')).toBe(2);
  });
});
