import Decimal from 'decimal.js';
import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;

/** Task `a`'s first try dies with its worker after sending requests worth $0.003; every other try spends $0.002. */
const agent: AgentScript = (c) =>
  c.taskId === 'a' && c.attempt === 1
    ? {
        durationMs: MIN,
        costUsd: '0.003',
        failure: { type: 'NETWORK', stage: 'agent', details: { workerLost: true }, message: 'worker lost' },
      }
    : { durationMs: MIN, costUsd: '0.002' };

async function run(unpatched: string[] = []) {
  const p = plan([task('a'), task('b')]);
  const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent });
  const sim = await simulateBuild({ input: simulationInput(p), activities, unpatched });
  return { sim, store };
}

describe('a try whose worker died (issue 27: every request sent is accounted for)', () => {
  it("books the lost try's requests on record in the budget, its attempt row and its task", async () => {
    const { sim, store } = await run();
    expect(sim.result.outcome).toBe('SUCCEEDED');
    const onRecord = [...store.costsOnRecord.values()].reduce((a, v) => a.plus(v), new Decimal(0));
    expect(onRecord.toString()).toBe('0.007');
    expect(sim.result.summary.spentUsd).toBe(onRecord.toString());
    const lost = store.attempts.find((a) => a.taskId === 'a' && a.attempt === 1)!;
    expect([lost.outcome, lost.costUsd]).toEqual(['FAILED', '0.003']);
    expect(store.tasks.get('a')?.costUsd).toBe('0.005');
  });

  it('histories from before the change replay without asking (the lost try counted nothing)', async () => {
    const { sim } = await run(['lost-try-cost']);
    expect(sim.result.outcome).toBe('SUCCEEDED');
    expect(sim.result.summary.spentUsd).toBe('0.004');
  });
});
