import type { Plan, PlannedTask } from '../plan';
import type { Requirement } from './parse';

/**
 * Names on every planned task the requirements it serves, after any planner ran: a task serves a
 * requirement whose explicit id it mentions, whose text it carries (title, description or acceptance),
 * or, for a criterion of the whole section, whose feature it delivers. Ids a planner set are kept.
 */

const norm = (text: string) =>
  text
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\((?:depends on|after):[^)]*\)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function serves(task: PlannedTask, haystack: string, r: Requirement): boolean {
  if (r.explicit && new RegExp(`(^|[^A-Za-z0-9.])${escape(r.id)}($|[^A-Za-z0-9])`).test(taskText(task)))
    return true;
  const needle = norm(r.text);
  if (needle.length >= 6 && haystack.includes(` ${needle} `)) {
    // A criterion nested under one item belongs to that item's task only.
    return r.item === undefined || haystack.includes(` ${norm(r.item).slice(0, 60)}`);
  }
  const sectionWide = r.kind !== 'checklist' && r.item === undefined;
  return sectionWide && (task.features ?? []).includes(r.feature);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const taskText = (t: PlannedTask) => [t.title, t.description, ...t.acceptance].join('\n');

export function attachRequirements(plan: Plan, requirements: readonly Requirement[]): Plan {
  if (!requirements.length) return plan;
  const order = new Map(requirements.map((r, i) => [r.id, i]));
  const tasks = plan.tasks.map((task) => {
    const haystack = ` ${taskText(task).split('\n').map(norm).join(' | ')} `;
    const ids = new Set(task.requirementIds ?? []);
    for (const r of requirements) if (serves(task, haystack, r)) ids.add(r.id);
    if (!ids.size) return task;
    const sorted = [...ids].sort(
      (a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b),
    );
    return { ...task, requirementIds: sorted };
  });
  return { ...plan, tasks };
}
