/**
 * A continued build keeps every try of its earlier runs on record (issue 27): TaskAttempt rows are keyed
 * by build, task and try number, so a continued run that numbered its tries from 1 again overwrote the
 * ended run's rows. The ended run's records are written to the database by the persistence activity,
 * the tries on record are read back as `br build continue` reads them, and the continued run's records
 * are written after it.
 */
import { DEFAULT_CATALOG } from '../../lib/models';
import { estimateRow, writeEstimate } from '../../activities/claude/cost';
import { createPersistenceActivities } from '../../activities/persistence';
import type { ServiceContext } from '../../services/context';
import { triesOnRecord, triesToCarry } from '../../services/build-continue-tries';
import type { BuildCarryOver } from '../../workflows/core/types';
import { endedThenContinued } from '../fixtures/continued-build';
import { createTestDatabase, testTargets, type TestDatabase } from '../helpers/db';

describe.each(testTargets)('tries on record of a continued build, on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  afterAll(async () => {
    await db.close();
  });
  const ctx = () => ({ database: db }) as unknown as ServiceContext;

  it("keeps the ended run's TaskAttempt rows: the continued run's tries are on record after them", async () => {
    const acts = createPersistenceActivities({ db });
    let written = 0;
    const writeNew = async (attempts: Parameters<typeof acts.recordAttempt>[0][]) => {
      for (const a of attempts.slice(written)) await acts.recordAttempt(a);
      written = attempts.length;
    };
    const { store, endedAttempts } = await endedThenContinued({
      onRecord: async (s) => {
        await writeNew(s.attempts);
        return triesOnRecord(ctx(), 'sim');
      },
    });
    await writeNew(store.attempts);

    const rows = await db.prisma.taskAttempt.findMany({
      where: { buildId: 'sim' },
      orderBy: [{ taskKey: 'asc' }, { attempt: 'asc' }],
    });
    const line = (r: { taskKey: string; attempt: number; outcome: string; costUsd: unknown }) =>
      `${r.taskKey}#${r.attempt} ${r.outcome} ${String(r.costUsd)}`;
    expect(rows.map(line)).toEqual([
      'a#1 FAILED 0.003',
      'a#2 FAILED 0.001',
      'a#3 FAILED 0.004',
      'a#4 SUCCEEDED 0.002',
      'b#1 SUCCEEDED 0.002',
      'c#1 FAILED 0.001',
      'c#2 SUCCEEDED 0.002',
    ]);
    expect(endedAttempts).toHaveLength(4);
  });

  it("reads each task's highest try, from its attempt rows and from the cost rows of a try cut off before its record", async () => {
    const acts = createPersistenceActivities({ db });
    const at = Date.UTC(2026, 11, 7);
    const attempt = (taskId: string, n: number) =>
      acts.recordAttempt({
        buildId: 'cut',
        taskId,
        attempt: n,
        model: 'claude-haiku-5-5',
        outcome: 'FAILED',
        costUsd: '0.001',
        startedAt: at,
        finishedAt: at,
      });
    await attempt('api', 1);
    await attempt('api', 2);
    await attempt('ui', 1);
    const scope = {
      purpose: 'agent' as const,
      requestedModel: 'claude-haiku-5-5',
      buildId: 'cut',
      taskKey: 'api',
    };
    // Try 3 of api sent a request and was cancelled before its record; another build's rows do not count.
    await writeEstimate(
      db,
      estimateRow(
        DEFAULT_CATALOG,
        { ...scope, attempt: 3, fallbackKey: 'cut/api/3/1' },
        { bytes: 300, maxTokens: 100 },
      ),
    );
    await writeEstimate(
      db,
      estimateRow(
        DEFAULT_CATALOG,
        { ...scope, buildId: 'other', attempt: 9, fallbackKey: 'other/api/9/1' },
        { bytes: 300, maxTokens: 100 },
      ),
    );

    expect(await triesOnRecord(ctx(), 'cut')).toEqual({ api: 3, ui: 1 });
    expect(await triesOnRecord(ctx(), 'nothing-yet')).toEqual({});
  });
});

describe('triesToCarry', () => {
  const carried = {
    plan: { tasks: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }] },
    finished: { a: { attempts: 2 }, b: { attempts: 1 }, c: { attempts: 0 } },
    triesBefore: { a: 3 },
  } as unknown as BuildCarryOver;

  it.each([
    ['the database', { a: 7, b: 1 }, { a: 7, b: 1 }],
    ["the ended run's count (earlier runs' tries and its own) when it is more", { a: 4 }, { a: 5, b: 1 }],
    ["the ended run's count when the database cannot say", null, { a: 5, b: 1 }],
  ])('takes %s', (_what, onRecord, expected) => {
    expect(triesToCarry(carried, onRecord)).toEqual(expected);
  });

  it('leaves the field out for a build with no try yet', () => {
    expect(triesToCarry({ ...carried, finished: {}, triesBefore: undefined }, {})).toBeUndefined();
  });
});
