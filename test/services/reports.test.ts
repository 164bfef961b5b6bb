import { aggregateMetrics } from '../../activities/persistence/rollup';
import {
  COST_GROUPINGS,
  costReport,
  metricsReport,
  parseSince,
  spentLine,
  telemetryEvents,
  telemetrySummary,
} from '../../services/reports';
import { createTestDatabase, testTargets, type TestDatabase } from '../helpers/db';
import { seedHistory } from '../fixtures/reports-seed';

describe('parseSince', () => {
  const now = Date.UTC(2026, 10, 15, 12);
  it.each([
    ['7d', '2026-11-08T12:00:00.000Z'],
    ['24h', '2026-11-14T12:00:00.000Z'],
    ['2w', '2026-11-01T12:00:00.000Z'],
    ['30m', '2026-11-15T11:30:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T06:00:00+02:00', '2026-11-01T04:00:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseSince(input, now)?.toISOString()).toBe(expected);
  });

  it('rejects words and impossible dates with a hint', () => {
    expect(() => parseSince('last week', now)).toThrow('use a span such as 7d');
    expect(() => parseSince('2026-13-45', now)).toThrow('use a span such as 7d');
  });
});

describe.each(testTargets)('report services on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
    await seedHistory(db);
    await aggregateMetrics(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(COST_GROUPINGS)('sums costs by %s to the same exact total', async (by) => {
    const report = await costReport(db, { by });
    expect(report.total).toEqual({
      calls: 5,
      inputTokens: 30_000,
      outputTokens: 7_500,
      cacheWriteTokens: 1_000,
      cacheReadTokens: 5_000,
      costUsd: '0.1459145',
      unsettledCalls: 0,
      unsettledUsd: '0',
    });
  });

  it('keeps requests never settled apart from the exact total, at their estimate', async () => {
    const key = `lost-${target}`;
    await db.prisma.costEntry.create({
      data: {
        idempotencyKey: key,
        buildId: 'build-lost',
        taskKey: 't1',
        purpose: 'agent',
        requestedModel: 'claude-haiku-5',
        model: 'claude-haiku-5',
        priceTableVersion: 'v',
        inputTokens: 300,
        outputTokens: 8192,
        usd: '0.0009',
        settled: false,
      },
    });
    try {
      const report = await costReport(db, { by: 'build', buildId: 'build-lost' });
      expect(report.total).toMatchObject({
        calls: 0,
        costUsd: '0',
        unsettledCalls: 1,
        unsettledUsd: '0.0009',
      });
      expect(spentLine(report.total)).toBe(
        '$0.0000 + ≤ $0.0009 unsettled (1 request in flight or lost in flight)',
      );
      expect((await costReport(db, { by: 'model' })).total.costUsd).toBe('0.1459145');
    } finally {
      await db.prisma.costEntry.delete({ where: { idempotencyKey: key } });
    }
  });

  it('filters costs by build and time', async () => {
    const report = await costReport(db, {
      by: 'day',
      buildId: 'build-shop-1',
      since: new Date('2026-11-02T00:00:00Z'),
    });
    expect(report.rows.map((r) => [r.key, r.costUsd])).toEqual([['2026-11-02', '0.0837345']]);
  });

  it('reads daily metrics from the rollups', async () => {
    const report = await metricsReport(db, { period: 'day', since: new Date('2026-11-02T00:00:00Z') });
    expect(report.rows[0]).toMatchObject({
      bucketStart: '2026-11-02T00:00:00.000Z',
      tasksStarted: 2,
      tasksSucceeded: 1,
      tasksEscalated: 1,
      costUsd: '0.0837345',
      durationP95Ms: 900_000,
    });
    expect(report.aggregatedUpTo).not.toBeNull();
  });

  it('counts and lists telemetry with filters', async () => {
    const summary = await telemetrySummary(db, {
      type: 'TASK_STARTED',
      since: new Date('2026-11-03T00:00:00Z'),
    });
    expect(summary.total).toBe(2);
    const listed = await telemetryEvents(db, { buildId: 'build-docs-2', limit: 2 });
    expect(listed.events.map((e) => e.type)).toEqual(['TASK_COMPLETED', 'TASK_STARTED']);
  });
});
