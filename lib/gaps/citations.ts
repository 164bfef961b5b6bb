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
/**
 * A test's name is at most MAX_TITLE characters: past that a quote is taken as unclosed, so an unclosed
 * one does not make every later call scan to the end of the file (quadratic in its size).
 */
const MAX_TITLE = 1000;
const CALL = new RegExp(
  String.raw`\b(it|test|describe)(?:\.(?:only|skip|concurrent|todo))?\s*\(\s*(['"\x60])((?:\\.|(?!\2)[^\\]){0,${MAX_TITLE}})\2`,
  'g',
);
/**
 * Bounds that no real test file reaches, so a file the model wrote cannot make the work unbounded: a
 * tag's line is read this far, a test keeps this many requirement ids, a file this many tags and this
 * many calls and cited tests (the rest of a larger file is not read).
 */
const MAX_TAG_LINE = 500;
const MAX_IDS = 100;
const MAX_TAGS = 10_000;
const MAX_CALLS = 50_000;
const MAX_CITED = 20_000;

function idsIn(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(REQ))
    for (const raw of m[1]!.split(/[\s,]+/)) {
      const id = raw.replace(/[.,;:)]+$/, '');
      // Every requirement id carries a number (R1.2, login.ac1): "@req in a name" is prose, not a citation.
      if (/\d/.test(id) && ids.size < MAX_IDS) ids.add(id);
    }
  return [...ids];
}

const addAll = (into: Set<string>, ids: readonly string[]) => {
  for (const id of ids) if (into.size < MAX_IDS) into.add(id);
};

/**
 * The test files are on the build branch, where the model wrote them, and this runs on the worker's
 * thread (the gap report of a finished build): every step is linear in the file's size. Line numbers,
 * the call a tag belongs to and the tests a `describe` tag reaches are found in one pass each; the old
 * look-ups from the start for every call and tag held the event loop 80 s on a 760 KB file.
 */
export function citationsIn(file: string, source: string): CitedTest[] {
  let line = 1;
  let scanned = 0;
  // Calls come in order of position, so the line count only moves forward.
  const lineAt = (index: number) => {
    for (; scanned < index; scanned++) if (source.charCodeAt(scanned) === 10) line++;
    return line;
  };
  const calls: {
    kind: 'it' | 'test' | 'describe';
    title: string;
    start: number;
    end: number;
    line: number;
  }[] = [];
  for (const m of source.matchAll(CALL)) {
    if (calls.length >= MAX_CALLS) break;
    calls.push({
      kind: m[1] as 'it' | 'test' | 'describe',
      title: m[3]!.replace(/\\(.)/g, '$1'),
      start: m.index,
      end: m.index + m[0].length,
      line: lineAt(m.index),
    });
  }
  // testsBefore[c]: how many of calls[0..c-1] are tests (the index in `tests` of calls[c] when it is one).
  const testsBefore: number[] = [];
  const tests = calls.filter((c, i) => {
    testsBefore[i] = i === 0 ? 0 : testsBefore[i - 1]! + (calls[i - 1]!.kind !== 'describe' ? 1 : 0);
    return c.kind !== 'describe';
  });
  const own = new Map<number, Set<string>>();
  // A tag above a describe reaches every test from `from` on; in order of `from`.
  const reach: { from: number; ids: string[] }[] = [];
  let c = 0;
  let eol = -1;
  let tags = 0;
  for (const m of source.matchAll(/@req\b/g)) {
    if (++tags > MAX_TAGS) break;
    const at = m.index;
    if (eol !== source.length && eol < at) {
      eol = source.indexOf('\n', at);
      if (eol === -1) eol = source.length;
    }
    const ids = idsIn(source.slice(at, Math.min(eol, at + MAX_TAG_LINE)));
    if (!ids.length) continue;
    // The first call ending after the tag: the tag is in its name, or it is the next call.
    while (c < calls.length && calls[c]!.end <= at) c++;
    const next = calls[c];
    if (!next) continue;
    if (next.kind === 'describe') reach.push({ from: testsBefore[c]!, ids });
    else {
      const i = testsBefore[c]!;
      const set = own.get(i) ?? new Set<string>();
      addAll(set, ids);
      own.set(i, set);
    }
  }
  const cited: CitedTest[] = [];
  const inherited = new Set<string>();
  let shared: string[] | null = null;
  let r = 0;
  for (let i = 0; i < tests.length && cited.length < MAX_CITED; i++) {
    const t = tests[i]!;
    for (; r < reach.length && reach[r]!.from <= i; r++) {
      addAll(inherited, reach[r]!.ids);
      shared = null;
    }
    const mine = own.get(i);
    if (!mine && !inherited.size) continue;
    let ids: string[];
    if (mine) {
      const all = new Set(inherited);
      addAll(all, [...mine]);
      ids = [...all].sort();
    } else ids = [...(shared ??= [...inherited].sort())];
    cited.push({ file, name: t.title, line: t.line, requirementIds: ids });
  }
  return cited;
}
