import { aggregateMetrics } from '../../activities/persistence/rollup';
import { createTestDatabase, testTargets, type TestDatabase } from '../helpers/db';
import { BOUNDARIES, seed } from './fixtures';
import { byKey, recomputeFromRaw, storedBuckets } from './reference';

describe.each(testTargets)('metrics rollup on %s', (target) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(target);
  });
  afterEach(async () => {
    await db.close();
  });

  it('equals a recomputation from raw rows across hour, day and Monday-start week boundaries', async () => {
    await seed(db, { seed: 1, events: 400, costs: 150 });
    const result = await aggregateMetrics(db);
    expect(result).toMatchObject({ eventsRead: 400, costRowsRead: 150 });
    const stored = byKey(await storedBuckets(db));
    expect(stored).toEqual(byKey(await recomputeFromRaw(db)));
    const weeks = stored.filter((b) => b.period === 'week' && b.model === '*').map((b) => b.bucketStart);
    expect(weeks).toEqual([
      '2026-10-26T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
    ]);
    expect(stored.filter((b) => b.period === 'day' && b.model === '*').map((b) => b.bucketStart)).toContain(
      '2026-11-02T00:00:00.000Z',
    );
  });

  it('changes nothing when run twice', async () => {
    await seed(db, { seed: 2, events: 200, costs: 80 });
    await aggregateMetrics(db);
    const first = byKey(await storedBuckets(db));
    const again = await aggregateMetrics(db, { overlapMs: 0 });
    expect(again).toEqual({ hourBuckets: 0, dayBuckets: 0, weekBuckets: 0, eventsRead: 0, costRowsRead: 0 });
    // With the default overlap the same rows are read again and recomputed to the same values.
    await aggregateMetrics(db);
    expect(byKey(await storedBuckets(db))).toEqual(first);
  });

  it('folds late events into the hour they happened in, and only recomputes the touched buckets', async () => {
    await seed(db, { seed: 3, events: 300, costs: 100 });
    await aggregateMetrics(db);
    const lateHour = BOUNDARIES[0]!;
    await seed(db, { seed: 4, events: 40, costs: 0, around: [lateHour], spreadMs: 0, prefix: 'late' });
    const result = await aggregateMetrics(db, { overlapMs: 0 });
    expect(result.eventsRead).toBe(40);
    // One hour touched: its '*' row plus one per model; one day; one week.
    expect(result.hourBuckets).toBeLessThanOrEqual(4);
    expect(result.dayBuckets).toBeLessThanOrEqual(4);
    expect(result.weekBuckets).toBeLessThanOrEqual(4);
    expect(byKey(await storedBuckets(db))).toEqual(byKey(await recomputeFromRaw(db)));
  });

  if (target === 'pglite') {
    it('buckets in UTC whatever the session time zone', async () => {
      await db.exec(`SET TIME ZONE 'America/New_York'`);
      await seed(db, { seed: 5, events: 200, costs: 50 });
      await aggregateMetrics(db);
      expect(byKey(await storedBuckets(db))).toEqual(byKey(await recomputeFromRaw(db)));
    });
  }
});
