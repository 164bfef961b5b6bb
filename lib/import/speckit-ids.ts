/** Spec Kit's Dependencies lines resolved to task ids, and the bound on how many edges a file may give. */
import AhoCorasick from 'modern-ahocorasick';
import { ImportError } from './errors';
import type { SourceGroup } from './model';

/** More dependencies than this (phases × [P] tasks, ranges × ranges) is refused, not built. */
export const MAX_EDGES = 2_000_000;
/** Phase names looked up by substring: after this many distinct ones, a line naming a phase by words is ignored. */
const MAX_PHASE_WORDS = 1_000;

export const tooManyEdges = (sourcePath = 'the task file') =>
  new ImportError(
    'IMPORT_TOO_LARGE',
    `${sourcePath}: its phases, [P] markers and Dependencies section give more than ${MAX_EDGES.toLocaleString('en')} dependencies.`,
    { path: sourcePath },
  );

export function membersOf<T extends { group: string }>(tasks: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const task of tasks) {
    const list = out.get(task.group);
    if (list) list.push(task);
    else out.set(task.group, [task]);
  }
  return out;
}

/**
 * Task ids a side of a dependency line names: ids and ranges ("T004-T006"), or a phase by its words
 * ("Setup", "Foundational phase"). Phases are found by exact title, by a title inside the words (one
 * Aho–Corasick pass), then by the words inside a title; each lookup once, so thousands of lines and
 * phases are not lines × phases.
 */
export class IdFinder {
  private readonly members: Map<string, { id: string; group: string }[]>;
  private readonly exact = new Map<string, SourceGroup>();
  private readonly titles: AhoCorasick<string> | null;
  private readonly order = new Map<string, number>();
  private readonly cache = new Map<string, string[] | null>();

  constructor(
    private readonly tasks: { id: string; group: string }[],
    private readonly groups: SourceGroup[],
  ) {
    this.members = membersOf(tasks);
    groups.forEach((g, i) => {
      const title = g.title.toLowerCase();
      if (!this.exact.has(title)) this.exact.set(title, g);
      if (!this.order.has(title)) this.order.set(title, i);
    });
    const titles = [...this.exact.keys()].filter(Boolean);
    this.titles = titles.length ? new AhoCorasick(titles) : null;
  }

  idsIn(text: string): string[] | null {
    const ids: string[] = [];
    for (const m of text.matchAll(/\b(T)(\d+)(?:\s*[-–]\s*T?(\d+))?\b/g)) {
      const width = m[2]!.length;
      const from = Number(m[2]);
      // A range longer than the file names a task that is not in it: its first id is enough to say so.
      const to = Math.min(m[3] ? Number(m[3]) : from, from + this.tasks.length);
      for (let n = from; n <= to; n++) ids.push(`T${String(n).padStart(width, '0')}`);
    }
    if (ids.length) return ids;
    const word = text
      .replace(/[^A-Za-z ]/g, ' ')
      .trim()
      .toLowerCase();
    if (!word) return null;
    if (!this.cache.has(word)) this.cache.set(word, this.phase(word));
    return this.cache.get(word)!;
  }

  private phase(word: string): string[] | null {
    const ids = (g: SourceGroup | undefined) => (g ? (this.members.get(g.id) ?? []).map((t) => t.id) : null);
    if (this.exact.has(word)) return ids(this.exact.get(word));
    let best: string | undefined;
    for (const match of this.titles?.search(word) ?? [])
      if (best === undefined || this.order.get(match.pattern)! < this.order.get(best)!) best = match.pattern;
    if (best !== undefined) return ids(this.exact.get(best));
    if (this.cache.size > MAX_PHASE_WORDS) return null;
    return ids(this.groups.find((g) => g.title.toLowerCase().includes(word)));
  }
}
