import { INLINE_IGNORE, isAllowedValue, isLockfile } from './allow';
import { maskLine } from './mask';
import { keywordFilter } from './prefilter';
import { RULES } from './rules';
import type { Finding, ScanTextOptions } from './types';

interface Hit {
  rule: string;
  /** Offsets of the secret in the content. */
  start: number;
  end: number;
  /** Offset reported as line/column. */
  at: number;
}

class Lines {
  private starts: number[] | undefined;
  constructor(private readonly content: string) {}

  /** 0-based line index of an offset. */
  indexOf(offset: number): number {
    const starts = (this.starts ??= computeStarts(this.content));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  start(index: number): number {
    return (this.starts ??= computeStarts(this.content))[index] ?? this.content.length;
  }

  text(index: number): string {
    const end = this.start(index + 1);
    return this.content.slice(this.start(index), end).replace(/\r?\n$/, '');
  }
}

function computeStarts(content: string): number[] {
  const starts = [0];
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Scans one file's text with every rule; `file` is only used for the lockfile skip and the findings. */
export function scanText(file: string, content: string, options: ScanTextOptions = {}): Finding[] {
  if (isLockfile(file)) return [];
  const lines = new Lines(content);
  return toFindings(file, findHits(content, lines, options), lines);
}

/** Where each suspected secret is in `content` (offsets), for masking text that is not a file. */
export function secretSpans(
  content: string,
  options: ScanTextOptions = {},
): { rule: string; start: number; end: number }[] {
  return findHits(content, new Lines(content), options).map(({ rule, start, end }) => ({ rule, start, end }));
}

function findHits(content: string, lines: Lines, options: ScanTextOptions): Hit[] {
  const rules = options.rules ?? RULES;
  const hasKeyword = keywordFilter(rules, content);
  // Hits of earlier rules, sorted by start and disjoint: an overlap test is a binary search, not a
  // walk over every hit (which made 80,000 key-shaped lines take seconds).
  let hits: Hit[] = [];
  for (const rule of rules) {
    if (!hasKeyword(rule)) continue;
    const { re, sticky } = compiled(rule.pattern);
    re.lastIndex = 0;
    // One rule's matches come in order and never overlap each other.
    const fresh: Hit[] = [];
    for (let m = re.exec(content); m; m = re.exec(content)) {
      if (m[0].length === 0) re.lastIndex++;
      const span = secretSpan(m, sticky, content);
      if (!span) continue;
      const [start, end] = span;
      if (overlapsAny(hits, start, end) || (fresh.length > 0 && fresh[fresh.length - 1]!.end > start))
        continue;
      const secret = content.slice(start, end);
      if (!rule.skipPlaceholderCheck && isAllowedValue(secret)) continue;
      const at = rule.reportAtMatchStart ? m.index : start;
      // The line is looked up only when a check reads it: most rules and all masking never do.
      const lineOf = () => lines.text(lines.indexOf(at));
      const match = m;
      if (
        rule.validate &&
        !rule.validate(secret, {
          content,
          get line() {
            return lineOf();
          },
          index: m.index,
          match,
        })
      )
        continue;
      if (!options.ignoreInlineComments) {
        const lineIndex = lines.indexOf(at);
        if (
          lines.text(lineIndex).includes(INLINE_IGNORE) ||
          (lineIndex > 0 && lines.text(lineIndex - 1).includes(INLINE_IGNORE))
        )
          continue;
      }
      fresh.push({ rule: rule.id, start, end, at });
    }
    if (fresh.length) hits = mergeSorted(hits, fresh);
  }
  return hits;
}

/**
 * Rules' patterns carry the `d` flag for group offsets, which makes every match several times slower.
 * They run without it; where the secret's text occurs once in the match its offset is unambiguous, and
 * only otherwise is the match repeated with `d`, anchored where it was found.
 */
const COMPILED = new WeakMap<RegExp, { re: RegExp; sticky: RegExp }>();

function compiled(pattern: RegExp): { re: RegExp; sticky: RegExp } {
  let c = COMPILED.get(pattern);
  if (!c) {
    const flags = pattern.flags.replace('d', '');
    c = {
      re: new RegExp(pattern.source, flags),
      sticky: new RegExp(pattern.source, `${flags.replace('g', '')}dy`),
    };
    COMPILED.set(pattern, c);
  }
  return c;
}

function secretSpan(m: RegExpExecArray, sticky: RegExp, content: string): [number, number] | undefined {
  const secret = m.groups?.s ?? m.groups?.s2;
  if (secret === undefined) return [m.index, m.index + m[0].length];
  const at = m[0].indexOf(secret);
  if (at !== -1 && at === m[0].lastIndexOf(secret)) return [m.index + at, m.index + at + secret.length];
  sticky.lastIndex = m.index;
  const again = sticky.exec(content);
  return again?.indices?.groups?.s ?? again?.indices?.groups?.s2 ?? undefined;
}

/** Does [start, end) overlap one of `sorted` (sorted by start, disjoint)? */
function overlapsAny(sorted: readonly Hit[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  // First hit whose start is at or after `end`; the one before it is the only candidate.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.start < end) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && sorted[lo - 1]!.end > start;
}

function mergeSorted(a: readonly Hit[], b: readonly Hit[]): Hit[] {
  const out: Hit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length)
    out.push(j >= b.length || (i < a.length && a[i]!.start <= b[j]!.start) ? a[i++]! : b[j++]!);
  return out;
}

function toFindings(file: string, hits: Hit[], lines: Lines): Finding[] {
  // Hits are sorted by start; each line's masking needs only the hits that touch it, found by binary
  // search rather than by filtering every hit for every finding.
  const findings = hits.map((hit) => {
    const lineIndex = lines.indexOf(hit.at);
    const lineStart = lines.start(lineIndex);
    const text = lines.text(lineIndex);
    const spans = touching(hits, lineStart, lineStart + text.length).map((h) => ({
      start: Math.max(0, h.start - lineStart),
      end: Math.min(text.length, h.end - lineStart),
    }));
    return {
      file,
      line: lineIndex + 1,
      column: hit.at - lineStart + 1,
      rule: hit.rule,
      excerpt: maskLine(text, spans, Math.max(0, hit.start - lineStart)),
    };
  });
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The hits of `sorted` (by start, disjoint, so also by end) overlapping [from, to). */
function touching(sorted: readonly Hit[], from: number, to: number): Hit[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.end <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: Hit[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.start < to; i++) out.push(sorted[i]!);
  return out;
}
