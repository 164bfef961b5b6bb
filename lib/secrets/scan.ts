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
  const hits: Hit[] = [];
  for (const rule of rules) {
    if (!hasKeyword(rule)) continue;
    const re = rule.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(content); m; m = re.exec(content)) {
      if (m[0].length === 0) re.lastIndex++;
      const span = m.indices?.groups?.s ?? m.indices?.groups?.s2 ?? m.indices?.[0];
      if (!span) continue;
      const [start, end] = span;
      if (hits.some((h) => start < h.end && h.start < end)) continue;
      const secret = content.slice(start, end);
      if (!rule.skipPlaceholderCheck && isAllowedValue(secret)) continue;
      const at = rule.reportAtMatchStart ? m.index : start;
      const lineIndex = lines.indexOf(at);
      const line = lines.text(lineIndex);
      if (rule.validate && !rule.validate(secret, { content, line, index: m.index, match: m })) continue;
      if (
        !options.ignoreInlineComments &&
        (line.includes(INLINE_IGNORE) || (lineIndex > 0 && lines.text(lineIndex - 1).includes(INLINE_IGNORE)))
      )
        continue;
      hits.push({ rule: rule.id, start, end, at });
    }
  }
  return hits;
}

function toFindings(file: string, hits: Hit[], lines: Lines): Finding[] {
  const findings = hits.map((hit) => {
    const lineIndex = lines.indexOf(hit.at);
    const lineStart = lines.start(lineIndex);
    const text = lines.text(lineIndex);
    const spans = hits
      .filter((h) => h.start < lineStart + text.length && h.end > lineStart)
      .map((h) => ({
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
