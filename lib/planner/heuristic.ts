/**
 * Deterministic heuristic planner: markdown spec → Plan, no AI. Features are `##`/`###` headings
 * ("Feature:" prefix dropped); tasks are their unchecked checklist items (`- [ ]`) and numbered items
 * (numbered items run in order); "Acceptance criteria" lists attach to the feature's tasks (items
 * indented under a task attach to that task only); "Depends on: X" / "After: X" lines or clauses name
 * a feature, a task title or a task id; backticked paths are the files a task claims. Same input,
 * byte-identical plan; ids are `<feature-slug>-<n>`.
 */
import type { Plan, PlannedTask } from '../plan';

interface Item {
  text: string;
  numbered: boolean;
  nested: string[];
  acceptance: string[];
}

interface Section {
  title: string;
  slug: string;
  level: number;
  description: string[];
  acceptance: string[];
  dependsOn: string[];
  items: Item[];
}

const SKIP_TITLES =
  /^(overview|introduction|background|context|goals?|non-goals|notes?|out of scope|glossary|references|acceptance criteria|summary|open questions)$/i;
const ACCEPTANCE = /^\s*(\*\*|__)?acceptance( criteria)?:?(\*\*|__)?:?\s*$/i;
const DEPENDS_LINE = /^\s*(?:\*\*|__)?(?:depends on|after)(?:\*\*|__)?\s*:\s*(.+)$/i;
const DEPENDS_CLAUSE = /\(?\b(?:depends on|after):\s*([^).;]+)\)?/gi;
const CHECKLIST = /^(\s*)[-*+]\s+\[( |x|X)\]\s+(.*)$/;
const NUMBERED = /^(\s*)\d+[.)]\s+(.*)$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

export function slugify(text: string, max = 40): string {
  const slug = text
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'item';
}

/** Backticked tokens that look like repository paths (not code, routes or identifiers). */
export function pathsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const token = m[1]!.trim();
    if (/[\s(){}:?=<>|*$"']/.test(token) || token.startsWith('/')) continue;
    if (token.includes('/') || /\.[A-Za-z0-9]{1,8}$/.test(token)) {
      if (/^\.?[A-Za-z0-9_-]+$/.test(token) && !token.includes('.')) continue;
      if (!out.includes(token)) out.push(token);
    }
  }
  return out;
}

function splitRefs(list: string): string[] {
  return list
    .split(/[,;]/)
    .map((s) => s.replace(/`/g, '').trim())
    .filter(Boolean);
}

function parse(markdown: string): { project: string | null; sections: Section[] } {
  let project: string | null = null;
  const sections: Section[] = [];
  let current: Section | null = null;
  let mode: 'text' | 'acceptance' = 'text';
  let lastItem: Item | null = null;
  const ensure = (): Section => {
    if (!current) {
      current = {
        title: project ?? 'Spec',
        slug: slugify(project ?? 'spec'),
        level: 1,
        description: [],
        acceptance: [],
        dependsOn: [],
        items: [],
      };
      sections.push(current);
    }
    return current;
  };
  let fence = false;
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) fence = !fence;
    if (fence) continue;
    const heading = HEADING.exec(raw);
    if (heading) {
      const level = heading[1]!.length;
      const title = heading[2]!.replace(/^feature\s*:\s*/i, '').trim();
      lastItem = null;
      if (level === 1 && project === null) {
        project = title;
        continue;
      }
      if (ACCEPTANCE.test(title) && current) {
        mode = 'acceptance';
        continue;
      }
      mode = 'text';
      current = {
        title,
        slug: slugify(title),
        level,
        description: [],
        acceptance: [],
        dependsOn: [],
        items: [],
      };
      sections.push(current);
      continue;
    }
    if (!raw.trim()) continue;
    if (ACCEPTANCE.test(raw)) {
      mode = 'acceptance';
      lastItem = null;
      continue;
    }
    const depends = DEPENDS_LINE.exec(raw);
    if (depends && !BULLET.test(raw)) {
      ensure().dependsOn.push(...splitRefs(depends[1]!));
      continue;
    }
    const check = CHECKLIST.exec(raw);
    const numbered = check ? null : NUMBERED.exec(raw);
    const indent = (check?.[1] ?? numbered?.[1] ?? BULLET.exec(raw)?.[1] ?? /^\s*/.exec(raw)![0]).length;
    if (lastItem && indent >= 2) {
      const bullet = BULLET.exec(raw) ?? NUMBERED.exec(raw);
      if (bullet) lastItem.acceptance.push(bullet[2]!.trim());
      else lastItem.nested.push(raw.trim());
      continue;
    }
    if (check || numbered) {
      mode = 'text';
      if (check && check[2] !== ' ') {
        lastItem = null;
        continue;
      }
      lastItem = {
        text: (check ? check[3]! : numbered![2]!).trim(),
        numbered: !check,
        nested: [],
        acceptance: [],
      };
      ensure().items.push(lastItem);
      continue;
    }
    const bullet = BULLET.exec(raw);
    if (mode === 'acceptance' && bullet) {
      ensure().acceptance.push(bullet[2]!.trim());
      continue;
    }
    lastItem = null;
    ensure().description.push(raw.trim());
  }
  return { project, sections };
}

export function planFromMarkdown(markdown: string, fallbackProject = 'project'): Plan {
  const { project, sections } = parse(markdown);
  const used = new Map<string, number>();
  const featureTasks = new Map<string, string[]>();
  const tasks: PlannedTask[] = [];
  const pendingDeps: { task: PlannedTask; refs: string[] }[] = [];
  const hasItemsBelow = (i: number) => {
    for (let j = i + 1; j < sections.length && sections[j]!.level > sections[i]!.level; j++)
      if (sections[j]!.items.length) return true;
    return false;
  };
  sections.forEach((section, index) => {
    const seen = used.get(section.slug) ?? 0;
    used.set(section.slug, seen + 1);
    const slug = seen ? `${section.slug}-${seen + 1}` : section.slug;
    let items = section.items;
    if (!items.length) {
      // A described feature with no checklist becomes one task, unless it is prose about the spec.
      if (
        SKIP_TITLES.test(section.title) ||
        !section.description.length ||
        hasItemsBelow(index) ||
        section.level < 2
      )
        return;
      items = [{ text: `Implement ${section.title}`, numbered: false, nested: [], acceptance: [] }];
    }
    const ids: string[] = [];
    let previousNumbered: string | null = null;
    items.forEach((item, n) => {
      const id = `${slug}-${n + 1}`;
      const refs = [...item.text.matchAll(DEPENDS_CLAUSE)].flatMap((m) => splitRefs(m[1]!));
      const text = item.text.replace(DEPENDS_CLAUSE, '').replace(/\s+/g, ' ').trim();
      const plain = text.replace(/`/g, '');
      const title = plain.length > 100 ? `${plain.slice(0, 97).trimEnd()}…` : plain;
      const context = section.description.join(' ');
      const task: PlannedTask = {
        id,
        title,
        description: [
          `${section.title}: ${text}`,
          ...item.nested,
          ...(context ? [context.slice(0, 600)] : []),
        ].join('\n'),
        acceptance: [...item.acceptance, ...section.acceptance],
        dependsOn: item.numbered && previousNumbered ? [previousNumbered] : [],
        files: pathsIn([text, ...item.nested].join('\n')),
        features: [slug],
      };
      if (item.numbered) previousNumbered = id;
      tasks.push(task);
      ids.push(id);
      pendingDeps.push({ task, refs: [...section.dependsOn, ...refs] });
    });
    featureTasks.set(slug, ids);
  });
  const byTitle = new Map<string, string>();
  for (const t of tasks) if (!byTitle.has(slugify(t.title, 200))) byTitle.set(slugify(t.title, 200), t.id);
  const ids = new Set(tasks.map((t) => t.id));
  const resolve = (ref: string): string[] | null => {
    if (ids.has(ref)) return [ref];
    const feature = featureTasks.get(slugify(ref.replace(/^feature\s*:\s*/i, '')));
    if (feature) return feature;
    const byName = byTitle.get(slugify(ref, 200));
    return byName ? [byName] : null;
  };
  for (const { task, refs } of pendingDeps) {
    for (const ref of refs) {
      // "A and B" is one feature title or two references: the whole phrase wins when it resolves.
      const parts = ref.split(/\s+and\s+/);
      const split = parts.length > 1 ? parts.map(resolve) : [];
      const targets =
        resolve(ref) ?? (split.length && split.every(Boolean) ? split.flatMap((x) => x!) : [slugify(ref)]);
      for (const target of targets)
        if (target !== task.id && !task.dependsOn.includes(target)) task.dependsOn.push(target);
    }
  }
  return { project: project ? slugify(project) : fallbackProject, tasks, source: 'heuristic' };
}
