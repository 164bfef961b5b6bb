import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { SimFailure, simulateBuild, type SimActivities } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const agent: AgentScript = (c) => ({ durationMs: MIN, costUsd: c.taskId === 'a' ? '0.003' : '0.002' });
const outage = () => ({
  durationMs: 25 * MIN,
  complete: (): never => {
    throw new SimFailure('DATABASE_UNAVAILABLE', "Can't reach database server (retries ran out)");
  },
});

/**
 * Task `a`'s try succeeds and merges, then a record step fails for good (its retries ran out in a
 * ~25 min database outage), so `a`'s workflow fails and hands the build no result.
 */
async function run(failing: 'records' | 'first-event', unpatched: string[] = []) {
  const p = plan([task('a'), task('b')]);
  const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent });
  const failed: SimActivities = {
    ...activities,
    recordAttempt: (input) =>
      failing === 'records' && input.taskId === 'a' ? outage() : activities.recordAttempt(input),
    emitEvents: (events) =>
      failing === 'first-event' && events.some((e) => e.taskId === 'a' && e.type === 'MODEL_SELECTED')
        ? outage()
        : activities.emitEvents(events),
  };
  const sim = await simulateBuild({ input: simulationInput(p), activities: failed, unpatched });
  return { sim, store };
}

describe('a task that fails after its try (issue 27: every request sent is accounted for)', () => {
  it("charges the build for a merged try whose records then failed: the try's cost reaches the spent total", async () => {
    const { sim, store } = await run('records');
    expect(sim.result.summary.failedTasks.map((t) => t.id)).toEqual(['a']);
    expect(store.merged.length).toBe(2);
    expect(sim.result.summary.spentUsd).toBe('0.005');
  });

  it('charges the build for a try whose first event could not be written', async () => {
    const { sim } = await run('first-event');
    expect(sim.result.summary.failedTasks.map((t) => t.id)).toEqual(['a']);
    expect(sim.result.summary.spentUsd).toBe('0.005');
  });

  it('histories from before the change replay without the signal (the try counted nothing)', async () => {
    const { sim } = await run('records', ['try-cost-on-failure']);
    expect(sim.result.summary.spentUsd).toBe('0.002');
  });
});
