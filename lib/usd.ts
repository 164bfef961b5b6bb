import Decimal from 'decimal.js';
import type { StrictValidator } from 'typanion';

/**
 * Money in US dollars: an exact decimal string ("12.50") on the wire and in workflow arguments, a
 * Decimal when added up, never a float. Pure and deterministic, so workflow code imports it. The
 * clipanion option validator is here (typanion's types only, nothing loaded); the zod schemas for MCP
 * and the config are in lib/usd-schema.ts, because zod is slow to load for a CLI command.
 *
 * One rule for zero: a budget or a raise of 0 means nothing, so every place that takes one (the CLI,
 * the MCP tools, the services, the workflow's signal and update) refuses it. Prices may be 0.
 */

const DECIMAL = /^\d+(\.\d+)?$/;

/** A plain non-negative decimal: "0", "3", "12.50"; not "-1", "1e3", "Infinity" or " 5". */
export function isUsd(text: string): boolean {
  return DECIMAL.test(text);
}

/** A plain decimal above zero: what a budget or a raise must be. */
export function isPositiveUsd(text: string): boolean {
  return DECIMAL.test(text) && /[1-9]/.test(text);
}

/**
 * The exact decimal string for a number or a string, or null when it is not a plain non-negative
 * decimal. A string is kept as given ("0.10" stays "0.10"); a number is written out in full
 * (12.5 → "12.5", 1e-7 → "0.0000001").
 */
export function toUsd(value: number | string): string | null {
  if (typeof value === 'string') return isUsd(value) ? value : null;
  if (!Number.isFinite(value) || value < 0) return null;
  const text = new Decimal(value).toFixed();
  return isUsd(text) ? text : null;
}

/** toUsd, above zero only. */
export function toPositiveUsd(value: number | string): string | null {
  const text = toUsd(value);
  return text !== null && isPositiveUsd(text) ? text : null;
}

/** Why a budget or raise is refused, in the words every front end uses. */
export function positiveUsdProblem(value: unknown, example = '20 or 7.50'): string {
  return `must be a positive amount in USD such as ${example}, not "${String(value)}"`;
}

/**
 * "$12.50". With `places`, exactly that many decimals; without, 4 below one dollar (a task's cents
 * matter) and 2 from one dollar up.
 */
export function formatUsd(value: Decimal.Value, places?: number): string {
  const amount = new Decimal(value);
  return `$${amount.toFixed(places ?? (amount.lt(1) ? 4 : 2))}`;
}

/**
 * A Typanion validator for a clipanion option holding a positive amount. clipanion reports a refusal
 * as a usage error (exit 2): `Invalid value for --budget: must be a positive amount in USD such as 20
 * or 7.50, not "0"`.
 */
export function isPositiveUsdOption(example?: string): StrictValidator<unknown, string> {
  const test = (value: unknown, state?: { errors?: string[]; p?: string }): value is string => {
    if (typeof value === 'string' && isPositiveUsd(value)) return true;
    state?.errors?.push(`${state.p ?? '.'}: ${positiveUsdProblem(value, example)}`);
    return false;
  };
  // typanion's makeValidator only brands the function with a type; doing it here loads nothing.
  return test as StrictValidator<unknown, string>;
}
