/**
 * Model routing: complexity → tier → model from the catalog, the next model for each kind of failure,
 * and the per-attempt cost estimate a task reserves before it runs. Pure; reads only the catalog.
 */
import Decimal from 'decimal.js';
import {
  TIER_ORDER,
  modelsOfTier,
  type ModelCatalog,
  type ModelEntry,
  type ModelTier,
} from '../../lib/models';
import type { Complexity } from '../../lib/plan';
import type { RoutingSettings } from './types';

export class NoModelError extends Error {
  constructor(tier: ModelTier) {
    super(`The model catalog has no model at all (asked for tier "${tier}").`);
  }
}

function tierIndex(tier: ModelTier): number {
  return TIER_ORDER.indexOf(tier);
}

/** The model a task starts on: the cheapest of its tier, else the nearest stronger tier, else weaker. */
export function initialModel(settings: RoutingSettings, complexity: Complexity): ModelEntry {
  const tier = settings.tiers[complexity];
  const start = tierIndex(tier);
  const search = [...TIER_ORDER.slice(start), ...TIER_ORDER.slice(0, start).reverse()];
  for (const t of search) {
    const found = modelsOfTier(settings.catalog, t)[0];
    if (found) return found;
  }
  throw new NoModelError(tier);
}

export function modelById(catalog: ModelCatalog, id: string): ModelEntry | undefined {
  return catalog.models.find((m) => m.id === id);
}

/** The cheapest model of the nearest stronger tier, or null at the top. */
export function strongerModel(catalog: ModelCatalog, current: ModelEntry): ModelEntry | null {
  for (const t of TIER_ORDER.slice(tierIndex(current.tier) + 1)) {
    const found = modelsOfTier(catalog, t)[0];
    if (found) return found;
  }
  return null;
}

/**
 * Another model to move to when this one is overloaded: a sibling of the same tier first, then a
 * stronger tier, then a weaker one (availability beats the price of a step down).
 */
export function alternateModel(catalog: ModelCatalog, current: ModelEntry): ModelEntry | null {
  const sibling = modelsOfTier(catalog, current.tier).find((m) => m.id !== current.id);
  if (sibling) return sibling;
  const stronger = strongerModel(catalog, current);
  if (stronger) return stronger;
  for (const t of TIER_ORDER.slice(0, tierIndex(current.tier)).reverse()) {
    const found = modelsOfTier(catalog, t)[0];
    if (found) return found;
  }
  return null;
}

/** The smallest context window larger than the current one (cheapest among equals), or null. */
export function largerContextModel(catalog: ModelCatalog, current: ModelEntry): ModelEntry | null {
  const larger = catalog.models
    .filter((m) => m.contextWindow > current.contextWindow)
    .sort((a, b) => a.contextWindow - b.contextWindow || tierIndex(b.tier) - tierIndex(a.tier));
  return larger[0] ?? null;
}

/** The slowest model that is still faster than the current one (closest in capability), or null. */
export function fasterModel(catalog: ModelCatalog, current: ModelEntry): ModelEntry | null {
  const faster = catalog.models
    .filter((m) => m.speed > current.speed)
    .sort((a, b) => a.speed - b.speed || tierIndex(b.tier) - tierIndex(a.tier));
  return faster[0] ?? null;
}

/**
 * Token assumptions for one attempt by complexity (input counts cached reads; 70 % of it is a cache
 * read in a tool loop that re-sends its history). Used for the reservation and for forecasts.
 */
export const ATTEMPT_TOKENS: Record<Complexity, { input: number; output: number }> = {
  simple: { input: 40_000, output: 4_000 },
  moderate: { input: 120_000, output: 12_000 },
  complex: { input: 300_000, output: 30_000 },
  critical: { input: 600_000, output: 60_000 },
};

export const CACHED_INPUT_SHARE = 0.7;

/** Expected USD of one attempt of a task of this complexity on this model (decimal string). */
export function estimateAttemptUsd(model: ModelEntry, complexity: Complexity): string {
  const tokens = ATTEMPT_TOKENS[complexity];
  const cached = Math.round(tokens.input * CACHED_INPUT_SHARE);
  const usd = new Decimal(tokens.input - cached)
    .mul(model.prices.input)
    .plus(new Decimal(cached).mul(model.prices.cacheRead))
    .plus(new Decimal(tokens.output).mul(model.prices.output))
    .div(1_000_000);
  return usd.toDecimalPlaces(6, Decimal.ROUND_UP).toString();
}

/**
 * A task reserves this multiple of the expected cost before each attempt: the reservation is also the
 * agent's spending cap, and an ordinary attempt that runs long should not be cut off by it.
 */
export const RESERVATION_HEADROOM = 2;

export function reservationUsd(model: ModelEntry, complexity: Complexity): string {
  return new Decimal(estimateAttemptUsd(model, complexity)).mul(RESERVATION_HEADROOM).toString();
}
