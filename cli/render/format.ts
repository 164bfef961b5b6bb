import { stripVTControlCharacters } from 'node:util';
import { formatUsd } from '../../lib/usd';

/** Terminal formatting for reports; `--json` keeps the exact values. */

/** Report rows compare cents of cents, so always 4 places. */
export const usd = (value: string) => formatUsd(value, 4);

export const count = (n: number) => n.toLocaleString('en-US');

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

/** 2026-11-02T13:00:00.000Z → "2026-11-02 13:00" (UTC, as everything in the reports). */
export const minute = (isoString: string) => isoString.slice(0, 16).replace('T', ' ');

/** A clock-style span for live views: 4m05s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

export { formatUsd } from '../../lib/usd';

/**
 * Text from specs, plans and the agent (titles, tool names, errors) as inert text for a terminal or a
 * log: escape sequences go (they could retitle the window, clear the screen, forge links), line
 * breaks and tabs become spaces so one item stays one line, other control characters are dropped.
 */
export function printable(text: string): string {
  return (
    stripVTControlCharacters(text)
      .replace(/[\t\n\v\f\r]+/g, ' ')
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
  );
}
