import { Prisma } from '@prisma/client';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../../activities/db/connection';
import { createTestDatabase, postgresUrl, testTargets, type TestDatabase } from '../../helpers/db';
import { migrate, migrationState, readMigrations } from '../../../activities/db/migrate';

describe.each(testTargets)('migrations on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target, { migrate: false });
  });
  afterAll(async () => {
    await db.close();
  });

  it('applies every migration from empty, and a second run is a no-op', async () => {
    const names = readMigrations().map((m) => m.name);
    expect(await migrationState(db)).toMatchObject({ applied: [], pending: names });
    expect(await migrate(db)).toEqual(names);
    expect(await migrate(db)).toEqual([]);
    expect(await migrationState(db)).toEqual({
      applied: names,
      pending: [],
      failed: [],
      modified: [],
      unknown: [],
    });
  });

  it('keeps one cost row per idempotency key and sums USD as exact decimals', async () => {
    const row = (key: string, usd: string) => ({
      idempotencyKey: key,
      purpose: 'agent',
      requestedModel: 'claude-haiku-4-5',
      model: 'claude-haiku-4-5',
      priceTableVersion: 'test',
      inputTokens: 1,
      outputTokens: 1,
      usd: new Prisma.Decimal(usd),
    });
    await db.prisma.costEntry.createMany({
      data: [row('msg_1', '0.1'), row('msg_2', '0.2')],
      skipDuplicates: true,
    });
    await db.prisma.costEntry.createMany({ data: [row('msg_1', '0.1')], skipDuplicates: true });
    expect(await db.prisma.costEntry.count()).toBe(2);
    const sum = await db.prisma.costEntry.aggregate({ _sum: { usd: true } });
    expect(sum._sum.usd?.toString()).toBe('0.3');
  });
});

(postgresUrl ? describe : describe.skip)('migrations started at the same moment on PostgreSQL', () => {
  it('apply once when three processes migrate one fresh schema together (workers starting at once)', async () => {
    const schema = `br_test_race_${randomBytes(6).toString('hex')}`;
    const admin = await openDatabase({ kind: 'postgres', url: postgresUrl! });
    await admin.exec(`CREATE SCHEMA "${schema}"`);
    const dbs = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: postgresUrl!, schema })),
    );
    try {
      const applied = await Promise.all(dbs.map((db) => migrate(db)));
      expect(applied.flat().sort()).toEqual(
        readMigrations()
          .map((m) => m.name)
          .sort(),
      );
      expect((await migrationState(dbs[0]!)).pending).toEqual([]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    }
  });
});
