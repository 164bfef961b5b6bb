import Decimal from 'decimal.js';
import type { TelemetryEventInput } from '../../../lib/contracts';
import { DEFAULT_CATALOG } from '../../../lib/models';
import { estimateRow, priceCall, writeEstimate, writeSettled } from '../../../activities/claude/cost';
import { createPersistenceActivities } from '../../../activities/persistence';
import { EVENT_BATCH_SIZE } from '../../../activities/persistence/records';
import { createTestDatabase, testTargets, type TestDatabase } from '../../helpers/db';

const build = {
  buildId: 'build-shop-3f9a',
  project: 'shop',
  specPath: 'SPEC.md',
  specHash: '3f9a',
  repoPath: '/repo',
  baseBranch: 'main',
  buildBranch: 'br/shop-3f9a',
  status: 'RUNNING',
  budgetUsd: '20',
  costUsd: '0',
  parallel: 4,
  taskCount: 2,
  startedAt: Date.UTC(2026, 10, 2, 9),
};

describe.each(testTargets)('persistence activities on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  afterAll(async () => {
    await db.close();
  });

  it('writes the same event twice as one row, and keeps the workflow timestamp as occurredAt', async () => {
    const acts = createPersistenceActivities({ db });
    const event: TelemetryEventInput = {
      type: 'FALLBACK_APPLIED',
      buildId: build.buildId,
      taskId: 'api',
      model: 'claude-haiku-5-5',
      at: Date.UTC(2026, 10, 2, 10, 0, 0, 5),
      dedupeKey: 'build-shop-3f9a/api/1/FALLBACK_APPLIED',
      data: { failureClass: 'OVERLOADED', decision: 'escalate to claude-sonnet-5-5' },
    };
    await acts.emitEvents([event]);
    await acts.emitEvents([event, { ...event, dedupeKey: 'other', type: 'TASK_FAILED' }]);
    const rows = await db.prisma.telemetryEvent.findMany({
      where: { buildId: build.buildId },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.type, r.dedupeKey, r.taskKey])).toEqual([
      ['FALLBACK_APPLIED', event.dedupeKey, 'api'],
      ['TASK_FAILED', 'other', 'api'],
    ]);
    expect(rows[0]!.occurredAt.toISOString()).toBe('2026-11-02T10:00:00.005Z');
    expect(rows[0]!.data).toEqual(event.data);
  });

  it('writes more events than one batch holds', async () => {
    const acts = createPersistenceActivities({ db });
    const events = Array.from({ length: EVENT_BATCH_SIZE * 2 + 3 }, (_, i) => ({
      type: 'MODEL_SELECTED' as const,
      buildId: 'bulk',
      at: Date.UTC(2026, 10, 2) + i,
      dedupeKey: `bulk/${i}`,
    }));
    await acts.emitEvents(events);
    await acts.emitEvents(events);
    expect(await db.prisma.telemetryEvent.count({ where: { buildId: 'bulk' } })).toBe(events.length);
  });

  it('upserts builds, tasks and attempts so a retried activity leaves one row with the latest values', async () => {
    const acts = createPersistenceActivities({ db });
    await acts.recordBuild(build);
    await acts.recordBuild({
      ...build,
      status: 'SUCCEEDED',
      costUsd: '1.2345678901',
      finishedAt: build.startedAt + 60_000,
    });
    const task = {
      buildId: build.buildId,
      taskId: 'api',
      title: 'API',
      status: 'RUNNING',
      attempts: 1,
      costUsd: '0.1',
      dependsOn: ['db'],
      files: ['src/api.ts'],
    };
    await acts.recordTask(task);
    await acts.recordTask({
      ...task,
      status: 'SUCCEEDED',
      attempts: 2,
      costUsd: '0.3',
      model: 'claude-sonnet-5-5',
    });
    const attempt = {
      buildId: build.buildId,
      taskId: 'api',
      attempt: 1,
      model: 'claude-haiku-5-5',
      outcome: 'FAILED' as const,
      failureClass: 'OVERLOADED' as const,
      decision: 'escalate to claude-sonnet-5-5',
      costUsd: '0.1',
      startedAt: build.startedAt,
      finishedAt: build.startedAt + 1000,
    };
    await acts.recordAttempt(attempt);
    await acts.recordAttempt(attempt);
    const saved = await db.prisma.build.findUniqueOrThrow({
      where: { id: build.buildId },
      include: { tasks: true },
    });
    expect(saved.status).toBe('SUCCEEDED');
    expect(saved.costUsd.toString()).toBe('1.2345678901');
    expect(saved.tasks).toHaveLength(1);
    expect(saved.tasks[0]).toMatchObject({
      id: 'build-shop-3f9a/api',
      taskKey: 'api',
      attempts: 2,
      model: 'claude-sonnet-5-5',
    });
    expect(await db.prisma.taskAttempt.count()).toBe(1);
  });

  it("sums an attempt's cost rows, settled and unsettled, and no other attempt's", async () => {
    const acts = createPersistenceActivities({ db });
    const scope = (n: number, k: number) => ({
      purpose: 'agent' as const,
      requestedModel: 'claude-haiku-5-5',
      buildId: 'lost',
      taskKey: 'api',
      attempt: n,
      fallbackKey: `lost/api/${n}/${k}`,
    });
    const sent = (n: number, k: number) =>
      estimateRow(DEFAULT_CATALOG, scope(n, k), { bytes: 3000, maxTokens: 1000 });
    for (const [n, k] of [
      [1, 1],
      [1, 2],
      [2, 1],
    ] as const)
      await writeEstimate(db, sent(n, k));
    // The first request of try 1 was answered; its second was lost with the worker.
    const answer = {
      id: 'msg_lost_1',
      model: 'claude-haiku-5-5',
      usage: { input_tokens: 900, output_tokens: 40 },
    };
    const settled = priceCall(DEFAULT_CATALOG, scope(1, 1), answer as never).row;
    await writeSettled(db, settled, 'lost/api/1/1');

    const cost = await acts.attemptCost({ buildId: 'lost', taskId: 'api', attempt: 1 });
    expect(cost).toEqual({
      usd: new Decimal(settled.usd).plus(sent(1, 2).usd).toString(),
      requests: 2,
      unsettled: 1,
    });
    expect(await acts.attemptCost({ buildId: 'lost', taskId: 'api', attempt: 3 })).toEqual({
      usd: '0',
      requests: 0,
      unsettled: 0,
    });
  });
});
