import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../activities/db/connection';
import { migrate } from '../../../activities/db/migrate';
import { templateFile } from '../../../activities/db/pglite-template';

/** New embedded databases start from a cached empty cluster instead of running initdb. */

jest.setTimeout(120_000);

const saved = process.env.BR_CACHE_DIR;
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'br-pglite-template-'));
  process.env.BR_CACHE_DIR = path.join(root, 'cache');
});
afterEach(() => {
  if (saved === undefined) delete process.env.BR_CACHE_DIR;
  else process.env.BR_CACHE_DIR = saved;
  rmSync(root, { recursive: true, force: true });
});

const tables = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
  (await db.query<{ n: number }>(`select count(*)::int as n from pg_tables where schemaname = 'public'`))[0]!
    .n;

it('caches the empty cluster once, and every new database, on disk or in memory, starts empty from it', async () => {
  const first = await openDatabase({ kind: 'pglite', dataDir: path.join(root, 'a', 'db') });
  await migrate(first);
  await first.exec('create table only_in_a (i int)');
  expect(await tables(first)).toBeGreaterThan(1);
  await first.close();
  const file = templateFile();
  expect(file.startsWith(path.join(root, 'cache'))).toBe(true);
  expect(statSync(file).size).toBeGreaterThan(1_000_000);

  const second = await openDatabase({ kind: 'pglite', dataDir: path.join(root, 'b', 'db') });
  expect(await tables(second)).toBe(0);
  await migrate(second);
  expect(await tables(second)).toBeGreaterThan(1);
  await second.close();

  const memory = await openDatabase({ kind: 'pglite', dataDir: null });
  expect(await tables(memory)).toBe(0);
  await memory.close();

  // An existing database is opened as it is, never replaced by the template.
  const again = await openDatabase({ kind: 'pglite', dataDir: path.join(root, 'a', 'db') });
  expect((await again.query<{ n: number }>('select count(*)::int as n from only_in_a'))[0]!.n).toBe(0);
  await again.close();
});

it('makes the database the slow way when the cached cluster is garbage, and replaces the cache', async () => {
  const file = templateFile();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'not a tarball of a cluster');

  const db = await openDatabase({ kind: 'pglite', dataDir: path.join(root, 'c', 'db') });
  await migrate(db);
  expect(await tables(db)).toBeGreaterThan(1);
  await db.close();
  expect(existsSync(file)).toBe(false);

  const next = await openDatabase({ kind: 'pglite', dataDir: path.join(root, 'd', 'db') });
  expect(await tables(next)).toBe(0);
  await next.close();
  expect(readFileSync(file).length).toBeGreaterThan(1_000_000);
});
