import Decimal from 'decimal.js';
import { UserError } from './errors';

/**
 * The model catalog and its dated price table. Pure data and arithmetic, safe to import from workflow
 * code. Prices are USD per million tokens; a tier can carry a higher price band that applies to the
 * whole request once its prompt exceeds a threshold (Anthropic's long-context pricing).
 */

export type ModelTier = 'haiku' | 'sonnet' | 'opus';
export const TIER_ORDER: readonly ModelTier[] = ['haiku', 'sonnet', 'opus'];

export interface PriceBand {
  input: string;
  output: string;
  cacheWrite: string;
  cacheRead: string;
}

export interface ModelEntry {
  id: string;
  tier: ModelTier;
  contextWindow: number;
  maxOutputTokens: number;
  /** Relative speed, higher is faster; the timeout fallback moves to a faster model. */
  speed: number;
  prices: PriceBand;
  /** Above this many prompt tokens (input + cache write + cache read), `longContextPrices` apply to the whole request. */
  longContextThreshold?: number;
  longContextPrices?: PriceBand;
}

export interface ModelCatalog {
  /** The price table version recorded on every cost row, e.g. "anthropic-2026-10-07". */
  priceTableVersion: string;
  models: ModelEntry[];
}

export const DEFAULT_CATALOG: ModelCatalog = {
  priceTableVersion: 'anthropic-2026-10-07',
  models: [
    {
      id: 'claude-haiku-5-5',
      tier: 'haiku',
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      speed: 3,
      prices: { input: '0.10', output: '0.50', cacheWrite: '0.125', cacheRead: '0.01' },
      longContextThreshold: 100_000,
      longContextPrices: { input: '0.50', output: '2.50', cacheWrite: '0.625', cacheRead: '0.05' },
    },
    {
      id: 'claude-sonnet-5-5',
      tier: 'sonnet',
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      speed: 2,
      prices: { input: '2', output: '10', cacheWrite: '2.50', cacheRead: '0.20' },
    },
    {
      id: 'claude-opus-5-5',
      tier: 'opus',
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      speed: 1,
      prices: { input: '4', output: '20', cacheWrite: '5', cacheRead: '0.20' },
    },
  ],
};

export interface TokenUsage {
  /** Uncached input tokens (Anthropic's `input_tokens` already excludes cache reads and writes). */
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export class UnknownModelError extends UserError {
  constructor(readonly model: string) {
    super(`Model "${model}" is not in the price table; add it to "models" in buildrunner.config.json.`);
  }
}

export function findModel(catalog: ModelCatalog, id: string): ModelEntry | undefined {
  return catalog.models.find((m) => m.id === id) ?? catalog.models.find((m) => id.startsWith(`${m.id}-`));
}

const MILLION = new Decimal(1_000_000);

/**
 * USD for one request, exact to the last token. Fails closed: a model missing from the table throws
 * rather than being billed at zero. A served id with a date suffix (claude-x-20261007) matches its alias.
 */
export function priceUsage(catalog: ModelCatalog, modelId: string, usage: TokenUsage): Decimal {
  const model = findModel(catalog, modelId);
  if (!model) throw new UnknownModelError(modelId);
  const prompt = usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
  const band =
    model.longContextThreshold !== undefined && model.longContextPrices && prompt > model.longContextThreshold
      ? model.longContextPrices
      : model.prices;
  return new Decimal(usage.inputTokens)
    .mul(band.input)
    .plus(new Decimal(usage.outputTokens).mul(band.output))
    .plus(new Decimal(usage.cacheWriteTokens).mul(band.cacheWrite))
    .plus(new Decimal(usage.cacheReadTokens).mul(band.cacheRead))
    .div(MILLION);
}

/** Models of a tier, cheapest first. */
export function modelsOfTier(catalog: ModelCatalog, tier: ModelTier): ModelEntry[] {
  return catalog.models
    .filter((m) => m.tier === tier)
    .sort((a, b) => new Decimal(a.prices.input).cmp(b.prices.input));
}
