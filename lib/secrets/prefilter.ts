import type { SecretRule } from './types';

/**
 * Which rules can match a text, in one pass: all rules' keywords in one Aho-Corasick automaton run over
 * the text with ASCII case folded. With ~250 keywords, one `includes` per keyword read every file ~250
 * times; this reads it once. Case-sensitive keywords found case-insensitively are confirmed exactly.
 */

interface Automaton {
  words: string[];
  /** Dense transitions: state * 128 + folded char code. */
  next: Int32Array;
  /** Keyword indices recognised on entering each state (its own and its suffix states'). */
  out: number[][];
}

const cache = new WeakMap<readonly SecretRule[], Automaton>();

function build(rules: readonly SecretRule[]): Automaton {
  const words = [...new Set(rules.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
  const goto: Map<number, number>[] = [new Map<number, number>()];
  const out: number[][] = [[]];
  words.forEach((word, index) => {
    let state = 0;
    for (const ch of word) {
      const c = ch.charCodeAt(0) & 127;
      let to = goto[state]!.get(c);
      if (to === undefined) {
        to = goto.length;
        goto.push(new Map<number, number>());
        out.push([]);
        goto[state]!.set(c, to);
      }
      state = to;
    }
    out[state]!.push(index);
  });
  const fail = new Int32Array(goto.length);
  const next = new Int32Array(goto.length * 128);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const to = goto[0]!.get(c) ?? 0;
    next[c] = to;
    if (to) queue.push(to);
  }
  while (queue.length) {
    const state = queue.shift()!;
    out[state] = [...out[state]!, ...out[fail[state]!]!];
    for (let c = 0; c < 128; c++) {
      const to = goto[state]!.get(c);
      if (to === undefined) next[state * 128 + c] = next[fail[state]! * 128 + c]!;
      else {
        fail[to] = next[fail[state]! * 128 + c]!;
        next[state * 128 + c] = to;
        queue.push(to);
      }
    }
  }
  return { words, next, out };
}

/** Returns a test: does `rule` have a keyword in the text (or no keywords at all)? */
export function keywordFilter(rules: readonly SecretRule[], content: string): (rule: SecretRule) => boolean {
  let automaton = cache.get(rules);
  if (!automaton) cache.set(rules, (automaton = build(rules)));
  const { words, next, out } = automaton;
  const found = new Set<string>();
  let state = 0;
  for (let i = 0; i < content.length; i++) {
    let c = content.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    // Keywords are ASCII: any other character restarts the match.
    state = c < 128 ? next[state * 128 + c]! : 0;
    const hits = out[state]!;
    if (hits.length) for (const w of hits) found.add(words[w]!);
  }
  return (rule) =>
    rule.keywords.length === 0 ||
    rule.keywords.some(
      (k) => found.has(k.toLowerCase()) && (rule.caseInsensitiveKeywords || content.includes(k)),
    );
}
