import Decimal from 'decimal.js';
import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { withSharedFiles } from '../../../workflows/simulation/shared-files';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const minutes: Record<string, number> = { a: 1, b: 2, c: 3 };
const agent: AgentScript = (c) => ({ durationMs: minutes[c.taskId]! * MIN, costUsd: '0.0001' });

async function run(resolved: boolean, unpatched: string[] = []) {
  const p = plan([task('a'), task('b'), task('c')]);
  const resolutions: string[] = [];
  const fakes = createFakeActivities({
    plan: p,
    agent,
    level: 'simple',
    resolve: (input) => (
      resolutions.push(`${input.taskId}@${input.model}`),
      { durationMs: 5_000, costUsd: '0.002', resolved }
    ),
  });
  const { activities, log } = withSharedFiles(fakes.activities, { touches: () => ['src/server.ts'] });
  const sim = await simulateBuild({ input: simulationInput(p, { parallel: 3 }), activities, unpatched });
  const events = [...fakes.store.events.values()];
  return { result: sim.result, log, store: fakes.store, events, resolutions };
}

describe('a merge conflict', () => {
  it('is resolved in the merge worktree before any redo: no attempt lost, the resolution paid', async () => {
    const { result, log, store, events, resolutions } = await run(true);

    expect(result.outcome).toBe('SUCCEEDED');
    expect(log.conflicts).toEqual(['b', 'c']);
    expect(log.resolved).toEqual(['b', 'c']);
    expect(store.attempts.map((a) => [a.taskId, a.attempt, a.outcome])).toEqual([
      ['a', 1, 'SUCCEEDED'],
      ['b', 1, 'SUCCEEDED'],
      ['c', 1, 'SUCCEEDED'],
    ]);
    // On the model the attempt ran on, as a repair would be; its cost is the attempt's.
    expect(resolutions).toEqual([`b@${store.attempts[1]!.model}`, `c@${store.attempts[2]!.model}`]);
    expect(store.attempts[1]!.costUsd).toBe(new Decimal('0.0001').plus('0.002').toString());
    const resolution = events.filter((e) => e.type === 'MERGE_RESOLUTION');
    expect(resolution.map((e) => [e.taskId, e.data?.resolved, e.data?.files])).toEqual([
      ['b', true, ['src/server.ts']],
      ['c', true, ['src/server.ts']],
    ]);
    expect(events.some((e) => e.type === 'FALLBACK_APPLIED')).toBe(false);
  });

  it('that cannot be resolved is redone on the updated build branch: a separate decision and event', async () => {
    const { result, store, events } = await run(false);

    expect(result.outcome).toBe('SUCCEEDED');
    const b1 = store.attempts.find((a) => a.taskId === 'b' && a.attempt === 1)!;
    expect(b1).toMatchObject({ outcome: 'FAILED', failureClass: 'MERGE_CONFLICT' });
    expect(b1.decision).toBe('redo on the updated build branch');
    const of = (type: string, taskId: string) => events.filter((e) => e.type === type && e.taskId === taskId);
    expect(of('MERGE_RESOLUTION', 'b')[0]?.data).toMatchObject({ resolved: false, reason: 'gave up' });
    expect(of('FALLBACK_APPLIED', 'b')[0]?.data).toMatchObject({ action: 'redo' });
    expect(of('MERGE_CONFLICT', 'b')).toHaveLength(1);
  });

  it('in an older history (without the change) is redone at once, with no resolution', async () => {
    const { result, events, resolutions, store } = await run(true, ['merge-resolution']);

    expect(result.outcome).toBe('SUCCEEDED');
    expect(resolutions).toEqual([]);
    expect(events.filter((e) => e.type === 'MERGE_RESOLUTION')).toEqual([]);
    expect(store.attempts.filter((a) => a.outcome === 'FAILED').length).toBeGreaterThan(0);
  });
});
