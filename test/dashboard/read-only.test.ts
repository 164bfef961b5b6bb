import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDashboard } from '../../dashboard/server';
import { type Database } from '../../lib/db/connection';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';
import { createContext } from '../../services/context';
import { openDashboardDatabase } from '../../services/dashboard-build';
import { createTestDatabase, postgresUrl } from '../helpers/db';
import { seedShopAndBlog } from '../fixtures/dashboard';

const WRITE = `INSERT INTO "Feature" (id, title, status, "updatedAt") VALUES ('f', 't', 'planned', now())`;

async function dump(db: Database): Promise<string> {
  const tables = ['Build', 'Task', 'TaskAttempt', 'CostEntry', 'TelemetryEvent', 'Feature', 'MetricsBucket'];
  const out: string[] = [];
  for (const t of tables) out.push(JSON.stringify(await db.query(`SELECT * FROM "${t}" ORDER BY 1`)));
  return out.join('\n');
}

describe('the dashboard never writes to the database', () => {
  it('opens an embedded database read-only: every page served, nothing changed, a write refused', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-dash-ro-'));
    try {
      const dataDir = path.join(root, '.buildrunner', 'db');
      const rw = await openDatabase({ kind: 'pglite', dataDir });
      await migrate(rw);
      await seedShopAndBlog(rw);
      const before = await dump(rw);
      await rw.close();

      const ctx = createContext({ cwd: root, env: {} });
      const db = await openDashboardDatabase(ctx);
      const dashboard = await startDashboard({ ctx: { ...ctx, database: db }, db, port: 0 });
      try {
        for (const p of [
          '/',
          '/api/overview',
          '/api/costs?by=day',
          '/builds/build-shop-new',
          '/api/builds/build-blog-live',
        ])
          expect((await fetch(`${dashboard.url}${p}`)).status).toBe(200);
        await expect(db.exec(WRITE)).rejects.toThrow(/read-only transaction/);
        await expect(
          db.prisma.feature.create({ data: { id: 'g', title: 't', status: 'planned' } }),
        ).rejects.toThrow(/read-only transaction/);
        expect(await dump(db)).toBe(before);
      } finally {
        await dashboard.close();
        await db.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to create an embedded database that does not exist yet', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-dash-none-'));
    try {
      await expect(openDashboardDatabase(createContext({ cwd: root, env: {} }))).rejects.toThrow(
        /nothing has been recorded here/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  (postgresUrl ? it : it.skip)(
    'opens PostgreSQL read-only on every pooled connection',
    async () => {
      const seeded = await createTestDatabase('postgres');
      try {
        await seedShopAndBlog(seeded);
        const db = await openDatabase(
          { kind: 'postgres', url: postgresUrl!, schema: seeded.schema },
          { readOnly: true },
        );
        try {
          // More writes at once than the pool has connections: each connection refuses.
          const writes = await Promise.allSettled(Array.from({ length: 8 }, () => db.exec(WRITE)));
          expect(
            writes.every((w) => w.status === 'rejected' && /read-only transaction/.test(String(w.reason))),
          ).toBe(true);
          expect((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM "Build"'))[0]!.n).toBe('3');
        } finally {
          await db.close();
        }
      } finally {
        await seeded.close();
      }
    },
    60_000,
  );
});
