import { Prisma } from '@prisma/client';
import type { Database } from '../../lib/db/connection';

/** A small, fixed history: two builds, three models, around the Sunday → Monday boundary of 2026-11-02 (UTC). */
export async function seedHistory(db: Database): Promise<void> {
  const cost = (
    key: string,
    at: string,
    model: string,
    buildId: string | null,
    taskKey: string | null,
    purpose: string,
    tokens: [number, number, number, number],
    usd: string,
  ) => ({
    idempotencyKey: key,
    buildId,
    taskKey,
    purpose,
    requestedModel: model,
    model,
    priceTableVersion: 'anthropic-2026-10-07',
    inputTokens: tokens[0],
    outputTokens: tokens[1],
    cacheWriteTokens: tokens[2],
    cacheReadTokens: tokens[3],
    usd: new Prisma.Decimal(usd),
    createdAt: new Date(at),
  });
  await db.prisma.costEntry.createMany({
    data: [
      cost(
        'c1',
        '2026-11-01T23:59:59.999Z',
        'claude-sonnet-5-5',
        'build-shop-1',
        null,
        'plan',
        [5000, 2000, 0, 0],
        '0.03',
      ),
      cost(
        'c2',
        '2026-11-02T09:15:00.000Z',
        'claude-haiku-5-5',
        'build-shop-1',
        'api',
        'agent',
        [1200, 300, 0, 5000],
        '0.0012345',
      ),
      cost(
        'c3',
        '2026-11-02T10:40:00.000Z',
        'claude-sonnet-5-5',
        'build-shop-1',
        'api',
        'agent',
        [20000, 4000, 1000, 0],
        '0.0825',
      ),
      cost(
        'c4',
        '2026-11-03T08:00:00.000Z',
        'claude-haiku-5-5',
        'build-docs-2',
        'readme',
        'agent',
        [800, 200, 0, 0],
        '0.00018',
      ),
      cost(
        'c5',
        '2026-11-09T00:00:00.000Z',
        'claude-opus-5-5',
        'build-docs-2',
        'readme',
        'agent',
        [3000, 1000, 0, 0],
        '0.032',
      ),
    ],
  });
  const event = (
    key: string,
    type: string,
    at: string,
    model: string | null,
    buildId: string,
    taskKey: string | null,
    data?: object,
  ) => ({
    type,
    buildId,
    taskKey,
    model,
    occurredAt: new Date(at),
    dedupeKey: key,
    data: (data ?? Prisma.DbNull) as Prisma.InputJsonObject,
  });
  await db.prisma.telemetryEvent.createMany({
    data: [
      event('e1', 'BUILD_STARTED', '2026-11-01T23:50:00.000Z', null, 'build-shop-1', null),
      event('e2', 'TASK_STARTED', '2026-11-02T09:10:00.000Z', 'claude-haiku-5-5', 'build-shop-1', 'api'),
      event('e3', 'FALLBACK_APPLIED', '2026-11-02T09:20:00.000Z', 'claude-haiku-5-5', 'build-shop-1', 'api', {
        failureClass: 'HOOK_REJECTED',
        decision: 'escalate to claude-sonnet-5-5',
      }),
      event('e4', 'TASK_STARTED', '2026-11-02T10:30:00.000Z', 'claude-sonnet-5-5', 'build-shop-1', 'api'),
      event('e5', 'TASK_COMPLETED', '2026-11-02T10:45:00.000Z', 'claude-sonnet-5-5', 'build-shop-1', 'api', {
        durationMs: 900_000,
      }),
      event('e6', 'BUDGET_ALERT', '2026-11-02T10:45:00.001Z', null, 'build-shop-1', null, { threshold: 0.5 }),
      event('e7', 'TASK_STARTED', '2026-11-03T07:59:00.000Z', 'claude-haiku-5-5', 'build-docs-2', 'readme'),
      event('e8', 'TASK_FAILED', '2026-11-03T08:01:30.000Z', 'claude-haiku-5-5', 'build-docs-2', 'readme', {
        durationMs: 150_000,
      }),
      event('e9', 'TASK_STARTED', '2026-11-08T23:59:00.000Z', 'claude-opus-5-5', 'build-docs-2', 'readme'),
      event(
        'e10',
        'TASK_COMPLETED',
        '2026-11-09T00:01:00.000Z',
        'claude-opus-5-5',
        'build-docs-2',
        'readme',
        { durationMs: 120_000 },
      ),
    ],
  });
}
