/**
 * How the heuristic planner read a spec, for `br plan --explain`: one line per section (or dependency
 * sentence) saying what the planner made of it. The planner records these as it decides; nothing here
 * re-reads the spec.
 */
import type { SpecNode } from './markdown';
import { isChainTitle } from './sections';

export interface SectionReading {
  /** 1-based line of the heading or sentence. */
  line: number;
  /** The heading as written, or the section a sentence is in. */
  section: string;
  /** "task", "skipped: a schedule", "acceptance criteria", "dependency from 'Requires feature 3'", … */
  reading: string;
  /** Plan task ids the section became, or the edges a dependency gave ("a <- b"). */
  tasks?: string[];
}

export const READ = {
  task: 'task',
  acceptance: 'acceptance criteria for the tasks they name or the whole project',
  restating: 'skipped: a checklist restating other sections',
  delivered: "skipped: what the spec's own task list delivers, not more tasks",
  order: 'dependency from numbered order: each step waits for the one before',
  orderOff: 'numbered order not used: the dependency chain says what waits for what',
  noOrder: 'no dependency stated',
  projectWide: 'task: check the acceptance criteria that name no one section',
  dependsOn: (raw: string) => `dependency from '${raw}'`,
  unresolved: (names: string[]) =>
    `skipped: names nothing in the spec (${names.map((n) => `'${n}'`).join(', ')})`,
};

/** Why a section the planner does not build from is skipped, by its heading. */
export function skipReason(title: string): string {
  const t = title.toLowerCase();
  if (isChainTitle(title)) return 'dependency chain: each sentence below is read for what waits for what';
  if (
    /\b(?:schedule|timeline|calendar|execution plan|daily plan|day[- ]by[- ]day|day \d+|milestone dates)\b/.test(
      t,
    )
  )
    return 'skipped: a schedule, restating the work by day';
  if (/\bexamples?\b/.test(t)) return 'skipped: an example';
  if (/^format\b|\bformat:/.test(t)) return "skipped: a note on the file's format";
  if (/\b(?:test(?:ing)? (?:strategy|approach))\b/.test(t)) return 'skipped: a testing approach, not a task';
  if (/\b(?:future|deferred|icebox|parking lot|won'?t fix|not planned|out of scope|non-goals)\b/.test(t))
    return 'skipped: work the spec leaves out';
  return 'skipped: describes the project, asks for no work';
}

/**
 * How each section was read, in the order it was decided: one entry per node and reading, with the
 * task ids it produced (`br plan --explain`).
 */
export function readingLog(): {
  readings: SectionReading[];
  read: (node: SpecNode, reading: string, id?: string) => void;
} {
  const readings: SectionReading[] = [];
  const perNode = new Map<SpecNode, SectionReading>();
  const read = (node: SpecNode, reading: string, id?: string) => {
    let r = perNode.get(node);
    if (!r || r.reading !== reading) {
      r = { line: node.line, section: node.title || node.name, reading, ...(id ? { tasks: [] } : {}) };
      readings.push(r);
      perNode.set(node, r);
    }
    if (id) r.tasks!.push(id);
  };
  return { readings, read };
}
