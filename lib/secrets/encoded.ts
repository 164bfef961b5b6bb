import { secretSpans } from './scan';

/**
 * Secrets hidden in an encoding, found the way gitleaks' decoder finds them (its approach, not its
 * code): find percent, hex and base64 runs, decode the printable ones in place, scan the decoded text
 * again, and repeat on what was decoded, to a depth. A secret found in decoded text masks the whole
 * encoded run it came from in the original.
 */

export interface Span {
  start: number;
  end: number;
}

interface Segment {
  encStart: number;
  encEnd: number;
  decStart: number;
  decEnd: number;
}

const SEGMENT = /(?<pct>(?:%[0-9A-Fa-f]{2})+)|(?<hex>[0-9A-Fa-f]{32,})|(?<b64>[\w/+-]{16,}={0,3})/g;

/** Only text is worth rescanning; a decoded image or hash is not a secret's encoding. */
function printable(bytes: Buffer): string | null {
  if (bytes.length === 0) return null;
  for (const b of bytes) if ((b < 0x20 || b > 0x7e) && b !== 9 && b !== 10 && b !== 13) return null;
  return bytes.toString('latin1');
}

function decode(kind: 'pct' | 'hex' | 'b64', run: string): string | null {
  if (kind === 'pct') return printable(Buffer.from(run.replace(/%/g, ''), 'hex'));
  if (kind === 'hex') return printable(Buffer.from(run.slice(0, run.length & ~1), 'hex'));
  // Node's decoder takes the standard and the url-safe alphabet alike.
  return printable(Buffer.from(run, 'base64'));
}

/** The last segment whose decoded start is before `p` (or at it, when `inclusive`), by binary search. */
function segmentBefore(segments: readonly Segment[], p: number, inclusive: boolean): Segment | undefined {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!.decStart;
    if (s < p || (inclusive && s === p)) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? segments[lo - 1] : undefined;
}

/** Offsets in the decoded text back to the text it was decoded from: inside a segment, its whole run. */
function mapBack(segments: readonly Segment[], span: Span): Span {
  const a = segmentBefore(segments, span.start, true);
  const start = !a ? span.start : span.start < a.decEnd ? a.encStart : span.start - a.decEnd + a.encEnd;
  const b = segmentBefore(segments, span.end, false);
  const end = !b ? span.end : span.end <= b.decEnd ? b.encEnd : span.end - b.decEnd + b.encEnd;
  return { start, end };
}

function literalHits(text: string, known: readonly string[]): Span[] {
  const hits: Span[] = [];
  for (const value of known)
    if (value.length >= 8)
      for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + value.length))
        hits.push({ start: i, end: i + value.length });
  return hits;
}

/**
 * Spans of `text` whose decoding (to `maxDepth` layers) holds a secret the scanner recognises or one
 * of the `known` values. Each layer decodes only inside what the layer before decoded, so the work is
 * at most `maxDepth` scans of text no longer than the input.
 */
export function encodedSecretSpans(text: string, known: readonly string[] = [], maxDepth = 5): Span[] {
  const found: Span[] = [];
  let current = text;
  let regions: Span[] | null = null;
  const layers: Segment[][] = [];
  for (let depth = 0; depth < maxDepth; depth++) {
    const segments: Segment[] = [];
    let next = '';
    let pos = 0;
    let region = 0;
    SEGMENT.lastIndex = 0;
    for (let m = SEGMENT.exec(current); m; m = SEGMENT.exec(current)) {
      const encStart = m.index;
      const encEnd = encStart + m[0].length;
      if (regions) {
        while (region < regions.length && regions[region]!.end <= encStart) region++;
        if (region >= regions.length) break;
        if (regions[region]!.start >= encEnd) continue;
      }
      const kind = m.groups!.pct ? 'pct' : m.groups!.hex ? 'hex' : 'b64';
      const decoded = decode(kind, m[0]);
      if (decoded === null) continue;
      next += current.slice(pos, encStart);
      segments.push({ encStart, encEnd, decStart: next.length, decEnd: next.length + decoded.length });
      next += decoded;
      pos = encEnd;
    }
    if (segments.length === 0) break;
    next += current.slice(pos);
    layers.push(segments);
    const hits = [...secretSpans(next, { ignoreInlineComments: true }), ...literalHits(next, known)];
    for (const hit of hits) {
      // Hits outside every decoded segment were already in the text before this layer.
      const last = segmentBefore(segments, hit.end, false);
      if (!last || last.decEnd <= hit.start) continue;
      let span: Span = hit;
      for (let l = layers.length - 1; l >= 0; l--) span = mapBack(layers[l]!, span);
      found.push(span);
    }
    regions = segments.map((s) => ({ start: s.decStart, end: s.decEnd }));
    current = next;
  }
  return found;
}

/**
 * The forms a known secret takes when something encodes it: hex (both cases), percent-encoding (as
 * `encodeURIComponent` writes it, and every byte escaped in either case), and base64 in both alphabets
 * at each of the three byte alignments inside a longer encoded text (only the characters that depend
 * on the secret alone, so the form is found whatever surrounds it).
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const hex = bytes.toString('hex');
  const pct = hex.replace(/(..)/g, '%$1');
  const forms = new Set([hex, hex.toUpperCase(), pct, pct.toUpperCase(), encodeURIComponent(value)]);
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const first = Math.ceil((8 * pad) / 6);
    const last = Math.floor((8 * (pad + bytes.length)) / 6);
    const core = b64.slice(first, last);
    if (core.length < 8) continue;
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.delete(value);
  return [...forms].filter((f) => f.length >= 8);
}
