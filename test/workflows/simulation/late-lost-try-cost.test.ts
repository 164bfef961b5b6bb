import Decimal from 'decimal.js';
import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild, type SimActivities } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;

/** Task `a`'s first try misses its heartbeat timeout (a slow worker, not a dead one) with $0.003 on record. */
const agent: AgentScript = (c) =>
  c.taskId === 'a' && c.attempt === 1
    ? {
        durationMs: MIN,
        costUsd: '0.003',
        failure: {
          type: 'NETWORK',
          stage: 'agent',
          details: { workerLost: true },
          message: 'heartbeat timeout',
        },
      }
    : { durationMs: MIN, costUsd: '0.002' };

/**
 * The slow worker goes on after the task read its try's rows: while try 2 runs, it writes $0.004 more
 * rows for try 1 (requests it sent before it learned it was timed out, or its spool flushed late).
 */
async function run(unpatched: string[] = []) {
  const p = plan([task('a'), task('b')]);
  const { activities, store } = createFakeActivities({ plan: p, level: 'simple', agent });
  const slow: SimActivities = {
    ...activities,
    runAgent: (input) => {
      const call = activities.runAgent(input);
      if (input.taskId !== 'a' || input.attempt !== 2) return call;
      return {
        ...call,
        complete: () => {
          const before = store.costsOnRecord.get('a#1') ?? '0';
          store.costsOnRecord.set('a#1', new Decimal(before).plus('0.004').toString());
          return call.complete();
        },
      };
    },
  };
  const sim = await simulateBuild({ input: simulationInput(p), activities: slow, unpatched });
  return { sim, store };
}

describe('a slow worker that writes rows for its try after the task moved on (issue 27)', () => {
  it("charges the build for the lost try's rows written after the task read them", async () => {
    const { sim, store } = await run();
    expect(sim.result.outcome).toBe('SUCCEEDED');
    const onRecord = [...store.costsOnRecord.values()].reduce((a, v) => a.plus(v), new Decimal(0));
    expect(onRecord.toString()).toBe('0.011');
    expect(sim.result.summary.spentUsd).toBe(onRecord.toString());
    expect(store.tasks.get('a')?.costUsd).toBe('0.009');
  });

  it('histories from before the change replay without reading the rows again', async () => {
    const { sim } = await run(['late-try-cost']);
    expect(sim.result.summary.spentUsd).toBe('0.007');
  });
});
