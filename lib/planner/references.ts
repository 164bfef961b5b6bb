/**
 * Resolves what a "Depends on" line names to task ids: a task id, a label ("Feature 1", "F001",
 * "Build A", "#2", "A.1"), a full or prefix title of a section or task, case-insensitively. Ambiguous
 * keys never resolve silently; an unresolved reference gets the closest candidates for its error.
 */
import { slugify } from './slug';

export interface Target {
  /** How a person would name it in an error: "Feature 1: Slug storage". */
  display: string;
  /** Task ids it stands for: every task a section produced, or the one task. */
  taskIds: string[];
  /** The section or task it stands for, so a section never depends on itself or its ancestors. */
  scope: unknown;
}

export class ReferenceIndex {
  private readonly byKey = new Map<string, Target[]>();
  private readonly titles: { slug: string; target: Target }[] = [];
  private readonly all: Target[] = [];
  /** Resolved references: a spec repeating one "Depends on" line is not a title scan per line. */
  private readonly resolved = new Map<string, Target | null>();

  add(target: Target, names: { id?: string; title?: string; kind?: string; label?: string | null }): void {
    this.all.push(target);
    this.resolved.clear();
    const keys = new Set<string>();
    if (names.id) keys.add(`id:${names.id}`);
    if (names.label) for (const k of labelKeys(names.kind ?? '', names.label)) keys.add(`label:${k}`);
    if (names.title) {
      const slug = slugify(names.title, 200);
      keys.add(`title:${slug}`);
      this.titles.push({ slug, target });
    }
    for (const key of keys) {
      const list = this.byKey.get(key) ?? [];
      if (!list.includes(target)) list.push(target);
      this.byKey.set(key, list);
    }
  }

  /** The targets a reference names, or null. A key shared by several targets counts only if they agree. */
  resolve(ref: string): Target | null {
    if (!this.resolved.has(ref)) this.resolved.set(ref, this.lookup(ref));
    return this.resolved.get(ref)!;
  }

  private lookup(ref: string): Target | null {
    const text = ref.replace(/^(?:feature|the)\s*:\s*/i, '').trim();
    const unique = (key: string) => {
      const list = this.byKey.get(key);
      if (!list?.length) return null;
      const ids = list[0]!.taskIds.join(' ');
      return list.every((t) => t.taskIds.join(' ') === ids) ? list[0]! : null;
    };
    const slug = slugify(text, 200);
    const exact =
      unique(`id:${text}`) ??
      unique(`id:${text.toLowerCase()}`) ??
      unique(`label:${referenceKey(text)}`) ??
      unique(`title:${slug}`);
    if (exact) return exact;
    // "Feature 3" for a heading written "3. Emails": the number alone.
    const bare =
      /^(?:feature|requirement|req|story|epic|build|phase|step|stage|task|item|part|section)\s*#?\s*(\S+)$/i.exec(
        text,
      );
    const viaNumber = bare ? unique(`label:${referenceKey(bare[1]!)}`) : null;
    if (viaNumber) return viaNumber;
    // "Feature 1: Slug storage" or "Build A (parser)": the label alone, then the words after it.
    const labelled = /^(.*?\d[\w.]*|(?:build|phase|track|part|stage)\s+[A-Z])\s*[:(–—-]\s*(.+?)\)?$/i.exec(
      text,
    );
    if (labelled) {
      const viaLabel = unique(`label:${referenceKey(labelled[1]!)}`);
      if (viaLabel) return viaLabel;
      return this.resolve(labelled[2]!);
    }
    if (slug.length < 3) return null;
    // A prefix of a title, as people shorten them: "Slug gen" for "Slug generation and storage".
    const prefixed = this.titles.filter((t) => t.slug.startsWith(slug));
    const distinct = [...new Map(prefixed.map((p) => [p.target.taskIds.join(' '), p.target])).values()];
    return distinct.length === 1 ? distinct[0]! : null;
  }

  /** Up to three targets whose names are closest to an unresolved reference. */
  closest(ref: string, max = 3): string[] {
    const want = slugify(ref, 200);
    const scored = this.all.map((t) => {
      const name = slugify(t.display, 200);
      const head = name.slice(0, Math.max(want.length, 1));
      return { t, d: Math.min(distance(want, name), distance(want, head) + 1) };
    });
    scored.sort((a, b) => a.d - b.d || a.t.display.localeCompare(b.t.display));
    const seen = new Set<string>();
    const out: string[] = [];
    for (const s of scored) {
      if (seen.has(s.t.display)) continue;
      seen.add(s.t.display);
      out.push(s.t.display);
      if (out.length === max) break;
    }
    return out;
  }
}

/** Levenshtein distance, small inputs only. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** Keys a label can be referred by: "Feature 2" → ["feature2", "2"]; "F001" → ["f001", "f1"]; "#2" → ["2"]. */
export function labelKeys(kind: string, label: string): string[] {
  const bare = label.replace(/^#/, '').toLowerCase().replace(/-/g, '');
  const keys = new Set<string>([bare, bare.replace(/(^|[a-z.])0+(\d)/g, '$1$2')]);
  if (kind) for (const k of [...keys]) keys.add(`${kind.replace(/\s+/g, '')}${k}`);
  return [...keys];
}

/** The key a written reference is looked up by: "Feature 1" → "feature1", "#2" → "2", "F001" → "f1". */
export function referenceKey(ref: string): string {
  return ref
    .toLowerCase()
    .replace(/^#/, '')
    .replace(/[\s#:-]+/g, '')
    .replace(/(^|[a-z.])0+(\d)/g, '$1$2');
}
