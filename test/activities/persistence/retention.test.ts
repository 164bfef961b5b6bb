import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Prisma } from '@prisma/client';
import { createMaintenanceActivities, readArchive } from '../../../activities/persistence';
import { parseConfig } from '../../../lib/config';
import { createTestDatabase, emptyTestDatabase, testTargets, type TestDatabase } from '../../helpers/db';

const NOW = Date.UTC(2026, 11, 15, 12);
const DAY = 86_400_000;

describe.each(testTargets)('retention cleanup on %s', (target) => {
  // One database for the file, emptied and seeded again before each test.
  let db: TestDatabase;
  let root: string;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await emptyTestDatabase(db);
    root = mkdtempSync(path.join(os.tmpdir(), 'br-retention-'));
    const at = (ms: number, key: string, type = 'TASK_STARTED') => ({
      type,
      buildId: 'b1',
      taskKey: 't1',
      model: 'claude-haiku-5-5',
      occurredAt: new Date(ms),
      dedupeKey: key,
      data: { n: key } as Prisma.InputJsonObject,
    });
    await db.prisma.telemetryEvent.createMany({
      data: [
        ...Array.from({ length: 7 }, (_, i) => at(NOW - 40 * DAY + i * 1000, `old-${i}`)),
        at(NOW - 30 * DAY - 1, 'just-before'),
        at(NOW - 30 * DAY, 'boundary'),
        at(NOW - DAY, 'recent'),
      ],
    });
    await db.prisma.costEntry.create({
      data: {
        idempotencyKey: 'c1',
        purpose: 'agent',
        requestedModel: 'claude-haiku-5-5',
        model: 'claude-haiku-5-5',
        priceTableVersion: 'test',
        inputTokens: 10,
        outputTokens: 5,
        usd: new Prisma.Decimal('0.5'),
        createdAt: new Date(NOW - 40 * DAY),
      },
    });
    await db.prisma.metricsBucket.create({
      data: { period: 'day', bucketStart: new Date(NOW - 40 * DAY), tasksStarted: 7 },
    });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const activities = () => createMaintenanceActivities({ db, config: parseConfig({}), root });
  const input = { retentionDays: 30, archiveDir: 'archive', batchSize: 3, now: NOW };

  it('reports what would go on a dry run without writing or deleting', async () => {
    const result = await activities().cleanupRetention({ ...input, dryRun: true, runKey: 'dry' });
    expect(result).toEqual({
      cutoff: '2026-11-15T12:00:00.000Z',
      eventsArchived: 0,
      eventsDeleted: 8,
      archiveFile: null,
      dryRun: true,
    });
    expect(await db.prisma.telemetryEvent.count()).toBe(10);
  });

  it('archives exactly the deleted rows, keeps the event at the boundary, costs and rollups', async () => {
    const before = await db.prisma.telemetryEvent.findMany({ orderBy: { id: 'asc' } });
    const result = await activities().cleanupRetention({ ...input, dryRun: false, runKey: 'run-1' });
    expect(result).toMatchObject({ eventsArchived: 8, eventsDeleted: 8, dryRun: false });
    expect(result.archiveFile).toBe(path.join(root, 'archive', path.basename(result.archiveFile!)));
    const left = await db.prisma.telemetryEvent.findMany({ orderBy: { id: 'asc' } });
    expect(left.map((e) => e.dedupeKey)).toEqual(['boundary', 'recent']);
    const archived = readArchive(result.archiveFile!);
    const gone = before.filter((e) => !left.some((l) => l.id === e.id));
    expect(archived).toEqual(
      gone.map((e) => ({
        id: e.id.toString(),
        type: e.type,
        buildId: e.buildId,
        taskKey: e.taskKey,
        model: e.model,
        data: e.data,
        occurredAt: e.occurredAt.toISOString(),
        recordedAt: e.recordedAt.toISOString(),
        dedupeKey: e.dedupeKey,
      })),
    );
    expect(await db.prisma.costEntry.count()).toBe(1);
    expect(await db.prisma.metricsBucket.findFirstOrThrow()).toMatchObject({ tasksStarted: 7 });
    const run = await db.prisma.maintenanceRun.findUniqueOrThrow({ where: { runKey: 'run-1' } });
    expect(run).toMatchObject({ kind: 'retention-cleanup', status: 'SUCCEEDED' });
  });

  it('returns the recorded result when the same run is retried, deleting nothing more', async () => {
    const first = await activities().cleanupRetention({ ...input, dryRun: false, runKey: 'run-2' });
    await db.prisma.telemetryEvent.create({
      data: { type: 'TASK_STARTED', occurredAt: new Date(NOW - 50 * DAY), dedupeKey: 'late-old' },
    });
    const retried = await activities().cleanupRetention({ ...input, dryRun: false, runKey: 'run-2' });
    expect(retried).toEqual(first);
    expect(await db.prisma.telemetryEvent.count({ where: { dedupeKey: 'late-old' } })).toBe(1);
  });
});
