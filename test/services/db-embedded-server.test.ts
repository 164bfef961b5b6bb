import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Prisma } from '@prisma/client';
import { openDatabase } from '../../activities/db/connection';
import { startEmbeddedServer } from '../../services/db-embedded-server';
import { embeddedServerFile, resolveDatabaseTarget } from '../../activities/db/target';
import { loadConfig } from '../../services/config-file';

describe('the embedded database served to other processes', () => {
  it('lets several clients read and write one PGlite through the PostgreSQL protocol', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-serve-'));
    const server = await startEmbeddedServer({ root, dataDir: path.join(root, '.buildrunner', 'db') });
    try {
      expect(existsSync(embeddedServerFile(root))).toBe(true);
      const target = resolveDatabaseTarget(loadConfig({ cwd: root, env: {} }));
      expect(target).toEqual({ kind: 'postgres', url: server.url });
      const a = await openDatabase(target);
      const b = await openDatabase(target);
      try {
        const row = (key: string) => ({
          idempotencyKey: key,
          purpose: 'agent',
          requestedModel: 'm',
          model: 'm',
          priceTableVersion: 'v',
          inputTokens: 1,
          outputTokens: 2,
          usd: new Prisma.Decimal('0.25'),
        });
        await Promise.all([
          a.prisma.costEntry.createMany({ data: [row('a1'), row('a2')], skipDuplicates: true }),
          b.prisma.costEntry.createMany({ data: [row('b1'), row('a1')], skipDuplicates: true }),
        ]);
        const sum = await b.prisma.costEntry.aggregate({ _sum: { usd: true }, _count: true });
        expect(sum._count).toBe(3);
        expect(sum._sum.usd?.toString()).toBe('0.75');
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await server.stop();
    }
    expect(existsSync(embeddedServerFile(root))).toBe(false);
    expect(resolveDatabaseTarget(loadConfig({ cwd: root, env: {} })).kind).toBe('pglite');
  });
});

describe('the embedded database served again on the same folder', () => {
  const serve = (root: string) =>
    startEmbeddedServer({ root, dataDir: path.join(root, '.buildrunner', 'db') });

  it('comes back at the address it had, which a running worker still holds', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-serve-again-'));
    const first = await serve(root);
    await first.stop();
    const again = await serve(root);
    try {
      expect(again.url).toBe(first.url);
    } finally {
      await again.stop();
    }
  });

  it('takes another port when another program holds the old one', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-serve-taken-'));
    const first = await serve(root);
    await first.stop();
    const holder = net.createServer();
    await new Promise<void>((resolve) =>
      holder.listen(Number(new URL(first.url).port), '127.0.0.1', resolve),
    );
    try {
      const again = await serve(root);
      try {
        expect(again.url).not.toBe(first.url);
        const db = await openDatabase(resolveDatabaseTarget(loadConfig({ cwd: root, env: {} })));
        await expect(db.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
        await db.close();
      } finally {
        await again.stop();
      }
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
