import type { Plan, PlannedTask } from '../plan';
import type { Requirement } from './parse';

/**
 * Names on every planned task the requirements it serves, after any planner ran: a task serves a
 * requirement whose explicit id it mentions, whose text it carries (title, description or acceptance),
 * or, for a criterion of the whole section, whose feature it delivers. Ids a planner set are kept.
 *
 * Done with indexes rather than by trying every requirement on every task, so a spec of 10,000
 * checklist items (each both a task and a requirement) attaches in time close to linear: ids are
 * looked up by the tokens a task's text holds, and a requirement's text is only searched for in the
 * tasks that hold its rarest word.
 */

const norm = (text: string) =>
  text
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\((?:depends on|after):[^)]*\)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const taskText = (t: PlannedTask) => [t.title, t.description, ...t.acceptance].join('\n');
const ID_CHAR = /[A-Za-z0-9]/;

/** Explicit ids written in the text, bounded as `(^|[^A-Za-z0-9.])ID($|[^A-Za-z0-9])`. */
function idsMentioned(text: string, ids: ReadonlySet<string>, maxLength: number, out: Set<string>): void {
  for (let start = 0; start < text.length; start++) {
    const c = text[start]!;
    if (c < 'A' || c > 'Z') continue;
    const before = start > 0 ? text[start - 1]! : '';
    if (before === '.' || ID_CHAR.test(before)) continue;
    const limit = Math.min(text.length, start + maxLength);
    for (let end = start + 1; end <= limit; end++) {
      if (end < text.length && ID_CHAR.test(text[end]!)) continue;
      const candidate = text.slice(start, end);
      if (ids.has(candidate)) out.add(candidate);
    }
  }
}

interface Needle {
  requirement: Requirement;
  padded: string;
  item: string | null;
}

/** Each requirement text under the word of it that the fewest tasks hold. */
function needlesByRarestWord(
  requirements: readonly Requirement[],
  haystacks: string[],
): Map<string, Needle[]> {
  const frequency = new Map<string, number>();
  for (const haystack of haystacks)
    for (const word of new Set(haystack.split(' '))) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const byWord = new Map<string, Needle[]>();
  for (const requirement of requirements) {
    const needle = norm(requirement.text);
    if (needle.length < 6) continue;
    let rarest: string | null = null;
    for (const word of needle.split(' ')) {
      const count = frequency.get(word) ?? 0;
      if (count === 0) {
        rarest = null;
        break;
      }
      if (rarest === null || count < frequency.get(rarest)!) rarest = word;
    }
    if (rarest === null) continue;
    const item = requirement.item === undefined ? null : ` ${norm(requirement.item).slice(0, 60)}`;
    const list = byWord.get(rarest) ?? [];
    list.push({ requirement, padded: ` ${needle} `, item });
    byWord.set(rarest, list);
  }
  return byWord;
}

export function attachRequirements(plan: Plan, requirements: readonly Requirement[]): Plan {
  if (!requirements.length) return plan;
  const order = new Map(requirements.map((r, i) => [r.id, i]));
  const texts = plan.tasks.map(taskText);
  const haystacks = texts.map((text) => ` ${text.split('\n').map(norm).join(' | ')} `);
  const explicit = new Set(requirements.filter((r) => r.explicit).map((r) => r.id));
  const maxIdLength = Math.max(0, ...[...explicit].map((id) => id.length));
  const needles = needlesByRarestWord(requirements, haystacks);
  // A criterion of a whole section is served by every task of its feature, whatever words it holds.
  const sectionWide = new Map<string, string[]>();
  for (const r of requirements) {
    if (r.kind === 'checklist' || r.item !== undefined) continue;
    const list = sectionWide.get(r.feature) ?? [];
    list.push(r.id);
    sectionWide.set(r.feature, list);
  }

  const tasks = plan.tasks.map((task, index) => {
    const haystack = haystacks[index]!;
    const ids = new Set(task.requirementIds ?? []);
    if (explicit.size) idsMentioned(texts[index]!, explicit, maxIdLength, ids);
    for (const word of new Set(haystack.split(' ')))
      for (const needle of needles.get(word) ?? [])
        // A criterion nested under one item belongs to that item's task only.
        if (haystack.includes(needle.padded) && (needle.item === null || haystack.includes(needle.item)))
          ids.add(needle.requirement.id);
    for (const feature of task.features ?? []) for (const id of sectionWide.get(feature) ?? []) ids.add(id);
    if (!ids.size) return task;
    const sorted = [...ids].sort(
      (a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b),
    );
    return { ...task, requirementIds: sorted };
  });
  return { ...plan, tasks };
}
