/**
 * Tests that cite requirements: `@req R1.2` (several ids separated by commas or spaces) in a test's
 * name, or in a comment: a comment tag belongs to the next test, or to every test below it when the
 * next call is a `describe`.
 */

export interface CitedTest {
  file: string;
  name: string;
  line: number;
  requirementIds: string[];
}

const REQ = /@req\s+([A-Za-z0-9][\w.-]*(?:\s*,\s*[A-Za-z0-9][\w.-]*|\s+(?![a-z]+\b)[A-Z0-9][\w.-]*)*)/g;
const CALL =
  /\b(it|test|describe)(?:\.(?:only|skip|concurrent|todo))?\s*\(\s*(['"`])((?:\\.|(?!\2)[^\\])*)\2/g;

function idsIn(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(REQ))
    for (const raw of m[1]!.split(/[\s,]+/)) {
      const id = raw.replace(/[.,;:)]+$/, '');
      // Every requirement id carries a number (R1.2, login.ac1): "@req in a name" is prose, not a citation.
      if (/\d/.test(id) && !ids.includes(id)) ids.push(id);
    }
  return ids;
}

export function citationsIn(file: string, source: string): CitedTest[] {
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  const calls = [...source.matchAll(CALL)].map((m) => ({
    kind: m[1] as 'it' | 'test' | 'describe',
    title: m[3]!.replace(/\\(.)/g, '$1'),
    start: m.index,
    end: m.index + m[0].length,
    line: lineAt(m.index),
  }));
  const tests = calls.filter((c) => c.kind !== 'describe');
  const cited = new Map<number, Set<string>>();
  const cite = (i: number, ids: string[]) => {
    const set = cited.get(i) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    cited.set(i, set);
  };
  for (const m of source.matchAll(/@req\b/g)) {
    const at = m.index;
    const ids = idsIn(
      source.slice(at, source.indexOf('\n', at) === -1 ? undefined : source.indexOf('\n', at)),
    );
    if (!ids.length) continue;
    const inTitle = calls.find((c) => c.start <= at && at < c.end);
    const next = inTitle ?? calls.find((c) => c.start > at);
    if (!next) continue;
    if (next.kind === 'describe') tests.forEach((t, i) => t.start > next.start && cite(i, ids));
    else cite(tests.indexOf(next), ids);
  }
  return [...cited.entries()]
    .sort(([a], [b]) => a - b)
    .map(([i, ids]) => ({
      file,
      name: tests[i]!.title,
      line: tests[i]!.line,
      requirementIds: [...ids].sort(),
    }));
}
