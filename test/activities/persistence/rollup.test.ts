import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanupRetention } from '../../../activities/persistence/retention';
import { aggregateMetrics } from '../../../activities/persistence/rollup';
import { createTestDatabase, emptyTestDatabase, testTargets, type TestDatabase } from '../../helpers/db';
import { BOUNDARIES, seed } from '../../fixtures/metrics/seed';
import { byKey, recomputeFromRaw, storedBuckets } from '../../fixtures/metrics/reference';

describe.each(testTargets)('metrics rollup on %s', (target) => {
  // One database for the file, emptied before each test: each test starts from no rows, as before.
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  beforeEach(() => emptyTestDatabase(db));
  afterAll(() => db.close());

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

  it('leaves buckets before the retention horizon alone when late events arrive for them', async () => {
    await seed(db, { seed: 6, events: 300, costs: 60 });
    await aggregateMetrics(db);
    const before = await storedBuckets(db);
    const horizon = '2026-11-02T13:00:00.000Z';
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-horizon-'));
    try {
      await cleanupRetention(db, {
        retentionDays: 30,
        archiveDir: 'a',
        batchSize: 100,
        dryRun: false,
        now: Date.parse(horizon) + 30 * 86_400_000,
        runKey: 'r',
        root,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    await seed(db, {
      seed: 7,
      events: 60,
      costs: 0,
      around: [BOUNDARIES[1]!, BOUNDARIES[6]!],
      prefix: 'late',
    });
    await aggregateMetrics(db, { overlapMs: 0 });
    const after = await storedBuckets(db);
    const old = (rows: typeof after) => byKey(rows.filter((b) => b.bucketStart < '2026-11-02T00:00:00.000Z'));
    expect(old(after)).toEqual(old(before));
    const recent = (rows: typeof after) =>
      byKey(rows.filter((b) => b.period === 'hour' && b.bucketStart >= horizon));
    expect(recent(after)).toEqual(recent(await recomputeFromRaw(db)));
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
