import Decimal from 'decimal.js';

/** How the dashboard prints numbers: money to the cent (exact decimals), durations, percentages. */

export function usd(value: string | null): string {
  if (value === null) return '—';
  return `$${new Decimal(value).toFixed(2, Decimal.ROUND_HALF_UP)}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function percent(fraction: number | null): string {
  return fraction === null ? '—' : `${Math.round(fraction * 100)}%`;
}

/** CSS class of a build or task state, for its colour. */
export function stateClass(state: string): string {
  return `state-${state.toLowerCase().replace(/[^a-z_]/g, '')}`;
}
