import { endedThenContinued } from '../../fixtures/continued-build';

const triesOf = (attempts: { taskId: string; attempt: number }[], id: string) =>
  attempts.filter((a) => a.taskId === id).map((a) => a.attempt);

describe('tries of a continued build (issue 27: nothing counted twice, every try on record)', () => {
  it("numbers the continued run's tries after the ended run's, in records, requests and read-backs", async () => {
    const { ended, continued, store, endedAttempts } = await endedThenContinued();
    expect(ended.result.outcome).toBe('PARTIAL');
    expect(ended.result.summary.spentUsd).toBe('0.007');
    expect(triesOf(endedAttempts, 'a')).toEqual([1, 2]);

    expect(continued.result.outcome).toBe('SUCCEEDED');
    expect(triesOf(store.attempts, 'a')).toEqual([1, 2, 3, 4]);
    expect(triesOf(store.attempts, 'c')).toEqual([1, 2]);
    expect(triesOf(store.agentCalls, 'a')).toEqual([1, 2, 3, 4]);
    expect(store.costsOnRecord.get('a#1')).toBe('0.003');
  });

  it("charges a lost try in the continued run only its own requests, not the ended run's try of that number", async () => {
    const { continued, store } = await endedThenContinued();
    // $0.007 carried, then a: $0.004 lost + $0.002 merged, c: $0.002.
    expect(continued.result.summary.spentUsd).toBe('0.015');
    expect(store.attempts.find((t) => t.taskId === 'a' && t.attempt === 3)?.costUsd).toBe('0.004');
    expect(store.tasks.get('a')?.costUsd).toBe('0.006');
  });

  it("counts the ended run's tries when the database cannot say, and carries them through continue-as-new", async () => {
    // One task per run: c starts in the continued run's second run (continue-as-new), with a's carry-over.
    const { continued, store, input } = await endedThenContinued({
      onRecord: () => null,
      continueAsNewAfterStarts: 1,
    });
    expect(input.carried?.triesBefore).toEqual({ a: 2, b: 1, c: 1 });
    expect(continued.runs).toBeGreaterThan(1);
    expect(continued.result.outcome).toBe('SUCCEEDED');
    expect(triesOf(store.attempts, 'a')).toEqual([1, 2, 3, 4]);
    expect(triesOf(store.attempts, 'c')).toEqual([1, 2]);
    expect(continued.result.summary.spentUsd).toBe('0.015');
  });
});

describe('events of a continued build (issue 27: every record on record once)', () => {
  it("keeps the continued run's events beside the ended run's instead of dropping them as duplicates", async () => {
    const { continued, store } = await endedThenContinued();
    expect(continued.result.outcome).toBe('SUCCEEDED');
    const events = [...store.events.values()];
    const of = (type: string, taskId?: string) =>
      events.filter((e) => e.type === type && e.taskId === taskId).map((e) => e.dedupeKey);
    // c ran in both runs: started and its first model chosen twice, each under a key of its own.
    expect(of('TASK_STARTED', 'c')).toHaveLength(2);
    expect(of('MODEL_SELECTED', 'c').length).toBeGreaterThanOrEqual(2);
    // Both runs' ends are on record: the ended run's PARTIAL and the continued run's success.
    const ends = events.filter((e) => e.taskId === undefined && /^BUILD_(COMPLETED|FAILED)$/.test(e.type));
    expect(ends.map((e) => e.data?.outcome)).toEqual(['PARTIAL', 'SUCCEEDED']);
    // b merged in the ended run and does not run again: no second start.
    expect(of('TASK_STARTED', 'b')).toHaveLength(1);
  });
});
