/** At most the first 4 and last 2 characters survive; short secrets show less, so most of any secret stays hidden. */
export function maskSecret(secret: string): string {
  const n = secret.length;
  const head = n >= 16 ? 4 : Math.floor(n / 4);
  const tail = n >= 16 ? 2 : 0;
  return `${secret.slice(0, head)}${'*'.repeat(Math.min(8, Math.max(3, n - head - tail)))}${tail ? secret.slice(n - tail) : ''}`;
}

const EXCERPT_WIDTH = 120;

/**
 * The line with each secret span (offsets within the line) masked, cut to a window around `focus`
 * when long. Masking happens before cutting, so the window never exposes part of a secret.
 */
export function maskLine(line: string, spans: { start: number; end: number }[], focus: number): string {
  let out = '';
  let pos = 0;
  let focusOut = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < pos) continue;
    out += line.slice(pos, span.start);
    if (span.start === focus) focusOut = out.length;
    out += maskSecret(line.slice(span.start, span.end));
    pos = span.end;
  }
  out += line.slice(pos);
  const lead = out.length - out.trimStart().length;
  out = out.trim();
  focusOut = Math.max(0, focusOut - lead);
  if (out.length <= EXCERPT_WIDTH) return out;
  const start = Math.max(0, Math.min(focusOut - 40, out.length - EXCERPT_WIDTH));
  return `${start > 0 ? '…' : ''}${out.slice(start, start + EXCERPT_WIDTH)}${start + EXCERPT_WIDTH < out.length ? '…' : ''}`;
}
