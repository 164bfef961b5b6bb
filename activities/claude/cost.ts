import type Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import type { Database } from '../../lib/db/connection';
import { FailureClass } from '../../lib/failures';
import { findModel, priceUsage, type ModelCatalog, type TokenUsage } from '../../lib/models';
import { failure } from '../failure';

/**
 * One CostEntry per Claude call, written right after the response. The idempotency key is the
 * response's message id (or a workflow/activity/attempt/turn key when the API gives none), so an
 * activity retried after a crash that replays the same call never counts it twice.
 */

export type CostPurpose = 'plan' | 'estimate' | 'agent' | 'gaps-advice';

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

/**
 * Prices the response (exact decimal; the served model, which may carry a date suffix) and writes its
 * cost row. An unknown served model still fails closed, but only after the call's row is written at the
 * requested model's prices (checked before the call), so money already spent is never unrecorded; the
 * failure's costUsd includes it.
 */
export async function recordCall(
  db: Database,
  catalog: ModelCatalog,
  scope: CallScope,
  message: Pick<Anthropic.Message, 'id' | 'model' | 'usage'>,
  spentSoFar: Decimal = new Decimal(0),
): Promise<RecordedCall> {
  const usage = usageOf(message);
  const servedModel = message.model || scope.requestedModel;
  const servedPriced = findModel(catalog, servedModel) !== undefined;
  const pricedAs = servedPriced ? servedModel : scope.requestedModel;
  if (!servedPriced && !findModel(catalog, pricedAs))
    // Unreachable through the activities (requirePricedModel runs first); kept so a direct caller still fails closed.
    throw unpricedServedModel(catalog, servedModel, spentSoFar);
  // Cache writes are priced at the 5-minute rate: the only cache_control this project sends is ephemeral.
  const usd = priceUsage(catalog, pricedAs, usage);
  await db.prisma.costEntry.createMany({
    data: [
      {
        idempotencyKey: message.id || scope.fallbackKey,
        buildId: scope.buildId ?? null,
        taskKey: scope.taskKey ?? null,
        attempt: scope.attempt ?? null,
        purpose: scope.purpose,
        requestedModel: scope.requestedModel,
        model: servedModel,
        priceTableVersion: servedPriced
          ? catalog.priceTableVersion
          : `${catalog.priceTableVersion}${REQUESTED_MODEL_PRICE_SUFFIX}`,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        cacheWriteTokens: usage.cacheWriteTokens,
        cacheReadTokens: usage.cacheReadTokens,
        usd: usd.toFixed(10),
      },
    ],
    skipDuplicates: true,
  });
  if (!servedPriced)
    throw unpricedServedModel(catalog, servedModel, spentSoFar.plus(usd), scope.requestedModel);
  return { usage, usd, servedModel };
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
