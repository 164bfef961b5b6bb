/**
 * The cost spool (issue 27): the writes an attempt could not get to the database go to a file on the
 * worker's disk before the request they cover is sent, and a drain writes them once the database is
 * back, in order, once, whatever a kill left of the file. Drains run against a real database (PGlite);
 * the ledger's outage against a PostgreSQL port nothing listens on.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CostLedger } from '../../../../activities/claude/attempt/ledger';
import {
  costSpoolDir,
  CostSpool,
  parseSpoolName,
  spoolName,
  thisProcess,
} from '../../../../activities/claude/attempt/spool';
import { claim, drainSpool, parseSpool } from '../../../../activities/claude/attempt/spool-drain';
import { applyCostWrite, estimateRow, type CostWrite } from '../../../../activities/claude/cost';
import { openDatabase } from '../../../../activities/db/connection';
import { createPersistenceActivities } from '../../../../activities/persistence';
import { parseConfig } from '../../../../lib/config';
import type { Database } from '../../../../lib/db/connection';
import { freePort } from '../../../../services/free-port';
import { makeTestKey, tempDir } from '../../../fixtures/claude';
import { createTestDatabase } from '../../../helpers/db';

const catalog = parseConfig({}).models;
const MODEL = 'claude-haiku-5-5';

function estimate(key: string, buildId = 'b-spool'): CostWrite {
  const scope = { purpose: 'agent' as const, requestedModel: MODEL, buildId, taskKey: 't', attempt: 1 };
  return {
    kind: 'estimate',
    row: estimateRow(catalog, { ...scope, fallbackKey: key }, { bytes: 3000, maxTokens: 100 }),
  };
}

function settle(key: string, messageId: string): CostWrite {
  const e = estimate(key).row;
  return {
    kind: 'settle',
    openedKey: key,
    row: {
      ...e,
      idempotencyKey: messageId,
      inputTokens: 10,
      outputTokens: 5,
      usd: '0.0000100000',
      settled: true,
    },
  };
}

/** A pid no process has now: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

/** Writes through a real CostSpool, then hands the file to a dead owner (as a SIGKILL would leave it). */
async function spoolOfDeadWorker(dir: string, writes: CostWrite[], tail = ''): Promise<string> {
  const spool = new CostSpool(dir);
  for (const w of writes) await spool.append(w);
  const from = spool.path!;
  const to = path.join(dir, path.basename(from).replace(/^\d+\./, `${deadPid()}.`));
  renameSync(from, to);
  if (tail) appendFileSync(to, tail);
  return to;
}

const rows = (db: Database, buildId = 'b-spool') =>
  db.prisma.costEntry.findMany({ where: { buildId }, orderBy: { idempotencyKey: 'asc' } });

describe('the cost spool', () => {
  let db: Database;
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.prisma.costEntry.deleteMany({});
    tmp = tempDir('br-spool-');
  });
  afterEach(() => tmp.cleanup());

  it("replays a dead worker's writes in order: an estimate and its settle end as one settled row, twice over", async () => {
    const writes = [estimate('r/1'), estimate('r/2'), settle('r/1', 'msg_1')];
    await spoolOfDeadWorker(tmp.dir, writes);
    // The same file replayed again (a drainer killed after writing, before removing it) changes nothing.
    await spoolOfDeadWorker(tmp.dir, writes);
    const report = await drainSpool(tmp.dir, db);
    expect(report).toEqual({ files: 2, rows: 6, unreadable: 0, refused: 0 });
    expect((await rows(db)).map((r) => [r.idempotencyKey, r.settled])).toEqual([
      ['msg_1', true],
      ['r/2', false],
    ]);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('keeps the rows before a line cut short by a kill mid-append, and skips that line', async () => {
    const line = JSON.stringify(estimate('r/3'));
    await spoolOfDeadWorker(tmp.dir, [estimate('r/1'), estimate('r/2')], line.slice(0, line.length / 2));
    expect(await drainSpool(tmp.dir, db)).toEqual({ files: 1, rows: 2, unreadable: 1, refused: 0 });
    expect((await rows(db)).map((r) => r.idempotencyKey)).toEqual(['r/1', 'r/2']);
  });

  it('skips a write the database refuses for another reason than its absence, and writes the rest', async () => {
    const bad = estimate('bad/1');
    bad.row.usd = 'not a price';
    await spoolOfDeadWorker(tmp.dir, [bad, estimate('good/1')]);
    expect(await drainSpool(tmp.dir, db)).toEqual({ files: 1, rows: 1, unreadable: 0, refused: 1 });
    expect((await rows(db)).map((r) => r.idempotencyKey)).toEqual(['good/1']);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it("leaves a live worker's file alone, and takes a file whose pid now belongs to another process", async () => {
    const live = new CostSpool(tmp.dir);
    await live.append(estimate('live/1'));
    const me = thisProcess();
    // Our pid, another start time: the worker that wrote it is gone and its pid was given again.
    const reused = path.join(tmp.dir, `${me.pid}.${Number(me.start) + 1}.1-abcd.jsonl`);
    writeFileSync(reused, `${JSON.stringify(estimate('reused/1'))}\n`);
    expect(await drainSpool(tmp.dir, db)).toMatchObject({ files: 1, rows: 1 });
    expect((await rows(db)).map((r) => r.idempotencyKey)).toEqual(['reused/1']);
    expect(readdirSync(tmp.dir)).toEqual([path.basename(live.path!)]);
    await live.discard();
  });

  it('lets one of two drainers racing for a file claim it; the other finds it gone', async () => {
    for (let i = 0; i < 12; i++) await spoolOfDeadWorker(tmp.dir, [estimate(`race/${i}`)]);
    const names = readdirSync(tmp.dir);
    const claims = await Promise.all(names.flatMap((n) => [claim(tmp.dir, n), claim(tmp.dir, n)]));
    expect(claims.filter(Boolean)).toHaveLength(12);
    expect(readdirSync(tmp.dir).every((n) => parseSpoolName(n)?.claim)).toBe(true);
    // Two drains at once in one process take turns: every claim is written once, by one of them.
    const [a, b] = await Promise.all([drainSpool(tmp.dir, db), drainSpool(tmp.dir, db)]);
    expect(a.rows + b.rows).toBe(12);
    expect(await rows(db)).toHaveLength(12);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('writes its file 0600 in a 0700 folder, never the API key, and refuses a row that holds it', async () => {
    const key = makeTestKey();
    const dir = path.join(tmp.dir, 'cost-spool');
    const spool = new CostSpool(dir, [key]);
    await spool.append(estimate('r/1'));
    await spool.append(settle('r/1', 'msg_1'));
    expect(statSync(spool.path!).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const leaky = estimate('r/2');
    leaky.row.requestedModel = `x-${key}`;
    await expect(spool.append(leaky)).rejects.toThrow(/holds a secret/);
    const text = readFileSync(spool.path!, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(-16));
    await spool.discard();
  });

  it('has the ledger spool a write the database refused for lack of a connection before it returns, and remove the file once all is written', async () => {
    const down = await openDatabase({
      kind: 'postgres',
      url: `postgresql://postgres@127.0.0.1:${await freePort()}/none`,
    });
    let reachable = false;
    const spool = new CostSpool(tmp.dir);
    const ledger = new CostLedger((w) => applyCostWrite(reachable ? db : down, w), {
      maxWaitMs: 5000,
      baseMs: 50,
      spool,
    });
    try {
      await ledger.write(estimate('l/1'));
      // Durable before the request would be sent: the line is on disk now.
      const spooled = (): string[] =>
        parseSpool(readFileSync(spool.path!, 'utf8')).writes.map((w) => w.row.idempotencyKey);
      expect(spooled()).toEqual(['l/1']);
      await ledger.write(settle('l/1', 'msg_l1'));
      await ledger.write(estimate('l/2'));
      expect(spooled()).toEqual(['l/1', 'msg_l1', 'l/2']);
      expect(ledger.pending).toBe(3);
      reachable = true;
      await ledger.flush();
      expect(ledger.pending).toBe(0);
      expect(spool.path).toBeUndefined();
      expect(readdirSync(tmp.dir)).toEqual([]);
      expect((await rows(db)).map((r) => [r.idempotencyKey, r.settled])).toEqual([
        ['l/2', false],
        ['msg_l1', true],
      ]);
    } finally {
      await down.close();
    }
  });

  it('keeps writes sent together in their order, in one file', async () => {
    const down = await openDatabase({
      kind: 'postgres',
      url: `postgresql://postgres@127.0.0.1:${await freePort()}/none`,
    });
    const spool = new CostSpool(tmp.dir);
    const ledger = new CostLedger((w) => applyCostWrite(down, w), { maxWaitMs: 0, spool });
    try {
      await Promise.all(['t/1', 't/2', 't/3', 't/4'].map((k) => ledger.write(estimate(k))));
      expect(readdirSync(tmp.dir)).toHaveLength(1);
      const keys = parseSpool(readFileSync(spool.path!, 'utf8')).writes.map((w) => w.row.idempotencyKey);
      expect(keys).toEqual(['t/1', 't/2', 't/3', 't/4']);
    } finally {
      await spool.discard();
      await down.close();
    }
  });

  it("writes a dead worker's spool before a lost try's cost is read back (attemptCost)", async () => {
    const cacheDir = tmp.dir;
    await spoolOfDeadWorker(costSpoolDir(cacheDir), [
      estimate('lost/1'),
      settle('lost/1', 'msg_lost'),
      estimate('lost/2'),
    ]);
    const cost = await createPersistenceActivities({ db, cacheDir }).attemptCost({
      buildId: 'b-spool',
      taskId: 't',
      attempt: 1,
    });
    expect(cost).toMatchObject({ requests: 2, unsettled: 1 });
  });

  it('names each file after its writer, so a drainer can tell who wrote it', () => {
    const me = thisProcess();
    expect(spoolName()).toMatch(new RegExp(`^${me.pid}\\.${me.start}\\.\\d+-[0-9a-f]+\\.jsonl$`));
    expect(spoolName(true)).toMatch(new RegExp(`^${me.pid}\\.${me.start}\\.c\\d+-[0-9a-f]+\\.jsonl$`));
  });
});
