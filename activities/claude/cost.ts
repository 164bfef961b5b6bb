import type Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import type { Database } from '../../lib/db/connection';
import { FailureClass } from '../../lib/failures';
import { findModel, priceUsage, type ModelCatalog, type TokenUsage } from '../../lib/models';
import { failure } from '../failure';

/**
 * One CostEntry per Claude call. The agent attempts and the structured calls (plan, estimate, merge
 * resolution, gaps advice) write it before the request is sent, as an unsettled estimate, and settle it
 * with the response; recordCall writes it right after the response. The
 * idempotency key of a settled row is the
 * response's message id (or a workflow/activity/attempt/turn key when the API gives none), so an
 * activity retried after a crash that replays the same call never counts it twice.
 */

export type CostPurpose = 'plan' | 'estimate' | 'agent' | 'gaps-advice' | 'merge-resolution';

export interface CallScope {
  purpose: CostPurpose;
  requestedModel: string;
  buildId?: string;
  taskKey?: string;
  attempt?: number;
  /** Used when the response has no id: e.g. `${workflowId}/${activityId}/${attempt}/${turn}`. */
  fallbackKey: string;
}

export const ZERO_USAGE: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
};

export function usageOf(message: Pick<Anthropic.Message, 'usage'>): TokenUsage {
  const u = message.usage;
  return {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
  };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  };
}

export function totalTokens(u: TokenUsage): number {
  return u.inputTokens + u.outputTokens + u.cacheWriteTokens + u.cacheReadTokens;
}

/** Refuses to spend on a model the price table cannot bill (fail closed, before any call). */
export function requirePricedModel(catalog: ModelCatalog, model: string): void {
  if (!findModel(catalog, model))
    throw failure(
      FailureClass.INVALID_REQUEST,
      `Model "${model}" is not in the price table (${catalog.priceTableVersion}); add it to "models" in buildrunner.config.json.`,
      { model },
    );
}

export interface RecordedCall {
  usage: TokenUsage;
  usd: Decimal;
  servedModel: string;
}

/** Marks a cost row priced at the requested model because the served one had no price: reports can find these. */
export const REQUESTED_MODEL_PRICE_SUFFIX = '+requested-model-price';

/** One CostEntry row as written (settled unless it is a request's estimate). */
export interface CostRowData {
  idempotencyKey: string;
  buildId: string | null;
  taskKey: string | null;
  attempt: number | null;
  purpose: string;
  requestedModel: string;
  model: string;
  priceTableVersion: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  usd: string;
  settled: boolean;
}

export interface PricedCall extends RecordedCall {
  row: CostRowData;
  /** The served model had no price: the row is priced at the requested model and the call must then fail. */
  unpriced: Error | undefined;
}

function rowOf(
  scope: CallScope,
  key: string,
): Omit<CostRowData, 'model' | 'priceTableVersion' | 'usd' | 'settled' | keyof TokenUsage> {
  return {
    idempotencyKey: key,
    buildId: scope.buildId ?? null,
    taskKey: scope.taskKey ?? null,
    attempt: scope.attempt ?? null,
    purpose: scope.purpose,
    requestedModel: scope.requestedModel,
  };
}

/**
 * Prices the response (exact decimal; the served model, which may carry a date suffix) into its cost
 * row. An unknown served model is priced at the requested model's prices (checked before the call), so
 * money already spent is never unrecorded, and `unpriced` is the failure to throw once the row is written.
 */
export function priceCall(
  catalog: ModelCatalog,
  scope: CallScope,
  message: Pick<Anthropic.Message, 'id' | 'model' | 'usage'>,
  spentSoFar: Decimal = new Decimal(0),
): PricedCall {
  const usage = usageOf(message);
  const servedModel = message.model || scope.requestedModel;
  const servedPriced = findModel(catalog, servedModel) !== undefined;
  const pricedAs = servedPriced ? servedModel : scope.requestedModel;
  if (!servedPriced && !findModel(catalog, pricedAs))
    // Unreachable through the activities (requirePricedModel runs first); kept so a direct caller still fails closed.
    throw unpricedServedModel(catalog, servedModel, spentSoFar);
  // Cache writes are priced at the 5-minute rate: the only cache_control this project sends is ephemeral.
  const usd = priceUsage(catalog, pricedAs, usage);
  const row: CostRowData = {
    ...rowOf(scope, message.id || scope.fallbackKey),
    model: servedModel,
    priceTableVersion: servedPriced
      ? catalog.priceTableVersion
      : `${catalog.priceTableVersion}${REQUESTED_MODEL_PRICE_SUFFIX}`,
    ...usage,
    usd: usd.toFixed(10),
    settled: true,
  };
  const unpriced = servedPriced
    ? undefined
    : unpricedServedModel(catalog, servedModel, spentSoFar.plus(usd), scope.requestedModel);
  return { usage, usd, servedModel, row, unpriced };
}

/** A request's size in bytes bounds its input tokens from above: a token is rarely under 3 bytes of JSON. */
export const BYTES_PER_TOKEN_BOUND = 3;

/**
 * The row written before a request is sent (settled: false): input tokens from the request's size,
 * output at its max_tokens, priced at the requested model without cache discounts. Keyed by the
 * request (scope.fallbackKey); the answer settles the same row.
 */
export function estimateRow(
  catalog: ModelCatalog,
  scope: CallScope,
  request: { bytes: number; maxTokens: number },
): CostRowData {
  const usage: TokenUsage = {
    ...ZERO_USAGE,
    inputTokens: Math.ceil(request.bytes / BYTES_PER_TOKEN_BOUND),
    outputTokens: request.maxTokens,
  };
  return {
    ...rowOf(scope, scope.fallbackKey),
    model: scope.requestedModel,
    priceTableVersion: catalog.priceTableVersion,
    ...usage,
    usd: priceUsage(catalog, scope.requestedModel, usage).toFixed(10),
    settled: false,
  };
}

/** Writes a request's estimate row (a retried write of the same key is a no-op). */
export async function writeEstimate(db: Database, row: CostRowData): Promise<void> {
  await db.prisma.costEntry.createMany({ data: [row], skipDuplicates: true });
}

/**
 * Writes an answer's exact row, settling the request's estimate row (`openedKey`) when there is one:
 * the estimate becomes the exact row (keyed by the message id). A message id already recorded (a
 * replayed call) removes the estimate instead, so the call is counted once.
 */
export async function writeSettled(db: Database, row: CostRowData, openedKey?: string): Promise<void> {
  if (openedKey) {
    if (row.idempotencyKey !== openedKey) {
      const known = await db.prisma.costEntry.findUnique({
        where: { idempotencyKey: row.idempotencyKey },
        select: { id: true },
      });
      if (known) {
        await db.prisma.costEntry.deleteMany({ where: { idempotencyKey: openedKey, settled: false } });
        return;
      }
    }
    const { count } = await db.prisma.costEntry.updateMany({
      where: { idempotencyKey: openedKey, settled: false },
      // Settled now: the metrics rollups (settled rows only, found by createdAt) pick it up.
      data: { ...row, createdAt: new Date() },
    });
    if (count > 0) return;
  }
  await db.prisma.costEntry.createMany({ data: [row], skipDuplicates: true });
}

/** One cost-row write as data (not a closure), so it can wait on disk (attempt/spool.ts) as well as in memory. */
export type CostWrite =
  { kind: 'estimate'; row: CostRowData } | { kind: 'settle'; row: CostRowData; openedKey?: string };

export function applyCostWrite(db: Database, w: CostWrite): Promise<void> {
  return w.kind === 'estimate' ? writeEstimate(db, w.row) : writeSettled(db, w.row, w.openedKey);
}

/** Prices the response and writes its cost row (see priceCall); throws for an unpriced served model after writing. */
export async function recordCall(
  db: Database,
  catalog: ModelCatalog,
  scope: CallScope,
  message: Pick<Anthropic.Message, 'id' | 'model' | 'usage'>,
  spentSoFar: Decimal = new Decimal(0),
): Promise<RecordedCall> {
  const priced = priceCall(catalog, scope, message, spentSoFar);
  await writeSettled(db, priced.row);
  if (priced.unpriced) throw priced.unpriced;
  return { usage: priced.usage, usd: priced.usd, servedModel: priced.servedModel };
}

function unpricedServedModel(
  catalog: ModelCatalog,
  servedModel: string,
  costUsd: Decimal,
  pricedAs?: string,
): Error {
  const recorded = pricedAs
    ? ` This call's cost was recorded at "${pricedAs}" prices (price table ${catalog.priceTableVersion}${REQUESTED_MODEL_PRICE_SUFFIX}).`
    : '';
  return failure(
    FailureClass.INVALID_REQUEST,
    `The API served model "${servedModel}", which is not in the price table (${catalog.priceTableVersion}); ` +
      `add it to "models" in buildrunner.config.json so its cost can be recorded exactly.${recorded}`,
    { model: servedModel, costUsd: costUsd.toFixed() },
  );
}
