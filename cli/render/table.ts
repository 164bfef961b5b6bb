/**
 * A tiny aligned-table renderer for terminal reports. Columns whose every cell looks like a number
 * (money, counts, durations) are right-aligned unless `align` says otherwise.
 */

export type Align = 'left' | 'right';

const NUMERIC = /^[-+]?[$]?\d[\d,]*(\.\d+)?\s*(%|ms|s|m|h)?$/;

export function renderTable(headers: string[], rows: string[][], options: { align?: Align[] } = {}): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const align = headers.map(
    (_, i): Align =>
      options.align?.[i] ??
      (rows.length > 0 && rows.every((r) => r[i] === '-' || r[i] === '' || NUMERIC.test(r[i] ?? ''))
        ? 'right'
        : 'left'),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One block character per value, scaled between 0 and the largest value. */
export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => (max === 0 ? BLOCKS[0] : BLOCKS[Math.min(7, Math.floor((v / max) * 7.999))]))
    .join('');
}

/** A horizontal bar `width` characters long at most, proportional to value / max. */
export function bar(value: number, max: number, width = 20): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((value / max) * width * 8);
  const partial = eighths % 8;
  return '█'.repeat(Math.floor(eighths / 8)) + (partial ? ('▏▎▍▌▋▊▉'[partial - 1] ?? '') : '');
}
