import { Prisma } from '@prisma/client';
import type { Database } from '../../lib/db/connection';
import { seededRandom } from '../../workflows/simulation/model';

export const MODELS = ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'];

/** Deterministic pseudo-random numbers, so a failing case can be replayed. */
export const random = seededRandom;

/** Instants on both sides of hour, day and ISO-week (Sunday → Monday) boundaries, in UTC. */
export const BOUNDARIES = [
  '2026-11-01T22:59:59.999Z',
  '2026-11-01T23:00:00.000Z',
  '2026-11-01T23:59:59.999Z', // Sunday, last millisecond of the ISO week
  '2026-11-02T00:00:00.000Z', // Monday: a new hour, day and week
  '2026-11-02T00:00:00.001Z',
  '2026-11-02T13:30:00.000Z',
  '2026-11-08T23:59:59.999Z',
  '2026-11-09T00:00:00.000Z',
].map((s) => new Date(s).getTime());

const TYPES = [
  'TASK_STARTED',
  'TASK_COMPLETED',
  'TASK_FAILED',
  'FALLBACK_APPLIED',
  'MODEL_SELECTED',
  'BUILD_STARTED',
];

export interface SeedOptions {
  seed: number;
  events: number;
  costs: number;
  /** Instants to place rows at (plus a jitter of up to `spreadMs`). */
  around?: number[];
  spreadMs?: number;
  prefix?: string;
}

export async function seed(db: Database, options: SeedOptions): Promise<void> {
  const rnd = random(options.seed);
  const around = options.around ?? BOUNDARIES;
  const spread = options.spreadMs ?? 0;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const at = () => new Date(pick(around) + (spread ? Math.floor((rnd() - 0.5) * 2 * spread) : 0));
  const prefix = options.prefix ?? `s${options.seed}`;
  const events = Array.from({ length: options.events }, (_, i) => {
    const type = pick(TYPES);
    const model = rnd() < 0.15 ? null : pick(MODELS);
    const data: Record<string, unknown> = {};
    if (type === 'TASK_COMPLETED' || type === 'TASK_FAILED') {
      if (rnd() < 0.9) data.durationMs = Math.floor(rnd() * 600_000);
    }
    if (type === 'FALLBACK_APPLIED') {
      data.failureClass = 'OVERLOADED';
      data.decision = rnd() < 0.5 ? `escalate to ${pick(MODELS)}` : 'retry-same-model after 30s';
    }
    return {
      type,
      buildId: 'build-shop-1',
      taskKey: `t${i % 7}`,
      model,
      occurredAt: at(),
      dedupeKey: `${prefix}/e${i}`,
      data: data as Prisma.InputJsonObject,
    };
  });
  await db.prisma.telemetryEvent.createMany({ data: events });
  const costs = Array.from({ length: options.costs }, (_, i) => ({
    idempotencyKey: `${prefix}/c${i}`,
    buildId: 'build-shop-1',
    taskKey: `t${i % 7}`,
    purpose: 'agent',
    requestedModel: pick(MODELS),
    model: pick(MODELS),
    priceTableVersion: 'test',
    inputTokens: Math.floor(rnd() * 100_000),
    outputTokens: Math.floor(rnd() * 20_000),
    cacheWriteTokens: Math.floor(rnd() * 5_000),
    cacheReadTokens: Math.floor(rnd() * 50_000),
    usd: new Prisma.Decimal(`0.${String(Math.floor(rnd() * 1e10)).padStart(10, '0')}`),
    createdAt: at(),
  }));
  await db.prisma.costEntry.createMany({ data: costs });
}
