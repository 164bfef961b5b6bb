/**
 * The last steps of heuristic planning: document-level success criteria attached to the sections
 * they name, and "Depends on" references turned into task dependencies, or into one error that lists
 * every reference that names nothing.
 */
import AhoCorasick from 'modern-ahocorasick';
import { UserError } from '../errors';
import type { PlannedTask } from '../plan';
import type { DependsLine, SpecNode } from './markdown';
import type { ReferenceIndex } from './references';

/** One or more "Depends on" references that name nothing in the spec; the message lists each line. */
export class SpecReferenceError extends UserError {
  constructor(readonly problems: string[]) {
    super(`The spec names dependencies that are not in it:\n  ${problems.join('\n  ')}`, {
      hint: 'Name a dependency by its heading ("Feature 1", "Build A", "#2"), its title (or the start of it) or a task id.',
    });
  }
}

export interface Draft {
  task: PlannedTask;
  node: SpecNode;
  refs: DependsLine[];
}

/**
 * Document-level success criteria go to the sections they mention ("Build A parses …"); the ones that
 * name no section are returned (they are about the whole project). Sections are found through an
 * index of their labels and one Aho–Corasick automaton of their names, so a spec with thousands of
 * features and as many criteria is not read criterion × section.
 */
export function attachDocAcceptance(
  criteria: string[],
  produced: Map<SpecNode, string[]>,
  drafts: Draft[],
): string[] {
  const byId = new Map(drafts.map((d) => [d.task.id, d.task]));
  const sections = new SectionFinder([...produced].filter(([, ids]) => ids.length > 0));
  const unnamed: string[] = [];
  const seenUnnamed = new Set<string>();
  for (const criterion of criteria) {
    const named = sections.named(criterion.toLowerCase());
    for (const ids of named)
      for (const id of ids) {
        const task = byId.get(id)!;
        if (!task.acceptance.includes(criterion)) task.acceptance.push(criterion);
      }
    if (!named.size && !seenUnnamed.has(criterion)) {
      seenUnnamed.add(criterion);
      unnamed.push(criterion);
    }
  }
  return unnamed;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Which sections a lower-cased sentence names: "feature 2" as a whole word, or a name of 6+ characters in it. */
class SectionFinder {
  private readonly byLabel = new Map<string, string[][]>();
  private readonly kinds = new Set<string>();
  private readonly byName = new Map<string, string[][]>();
  private readonly names: AhoCorasick<string> | null;

  constructor(sections: [SpecNode, string[]][]) {
    for (const [node, ids] of sections) {
      if (node.kindWord && node.label) {
        this.kinds.add(node.kindWord.toLowerCase());
        push(this.byLabel, `${node.kindWord} ${node.label}`.toLowerCase(), ids);
      }
      if (node.name.length >= 6) push(this.byName, node.name.toLowerCase(), ids);
    }
    this.names = this.byName.size ? new AhoCorasick([...this.byName.keys()]) : null;
  }

  named(lower: string): Set<string[]> {
    const out = new Set<string[]>();
    for (const kind of this.kinds) {
      for (let at = lower.indexOf(`${kind} `); at >= 0; at = lower.indexOf(`${kind} `, at + 1)) {
        if (isWordChar(lower[at - 1])) continue;
        const from = at + kind.length + 1;
        for (let end = from + 1; end <= lower.length && !/\s/.test(lower[end - 1]!); end++) {
          const list = this.byLabel.get(lower.slice(at, end));
          if (list && isWordChar(lower[end - 1]) !== isWordChar(lower[end]))
            for (const ids of list) out.add(ids);
        }
      }
    }
    for (const match of this.names?.search(lower) ?? [])
      for (const ids of this.byName.get(match.pattern)!) out.add(ids);
    return out;
  }
}

function push(map: Map<string, string[][]>, key: string, ids: string[]): void {
  const list = map.get(key) ?? [];
  list.push(ids);
  map.set(key, list);
}

/**
 * Success criteria about the whole project become one last task, after every task nothing else waits
 * for: it checks the result against them and adds the tests that show each. Without it they would be
 * in no task, and the build would never be asked to meet them.
 */
export function projectAcceptanceTask(criteria: string[], tasks: PlannedTask[]): PlannedTask | null {
  if (!criteria.length || !tasks.length) return null;
  const waitedFor = new Set(tasks.flatMap((t) => t.dependsOn));
  const taken = new Set(tasks.map((t) => t.id));
  let id = 'project-acceptance';
  for (let n = 2; taken.has(id); n++) id = `project-acceptance-${n}`;
  return {
    id,
    title: 'Meet the project-wide acceptance criteria',
    description:
      'Check the finished project against the acceptance criteria that are about the whole project ' +
      '(not one feature), fix what falls short, and add the tests that show each criterion is met.',
    acceptance: criteria,
    dependsOn: tasks.filter((t) => !waitedFor.has(t.id)).map((t) => t.id),
    files: [],
  };
}

function ancestors(node: SpecNode): Set<unknown> {
  const out = new Set<unknown>();
  for (let n: SpecNode | null = node; n; n = n.parent) out.add(n);
  return out;
}

/** Unresolved references that get "Closest: …" names; a spec with thousands of bad lines is not read lines × sections. */
const MAX_SUGGESTED = 20;

export function resolveDependencies(
  drafts: Draft[],
  index: ReferenceIndex,
  /** Told of every edge a "Depends on" line gave, as it is added (for `br plan --explain`). */
  onEdge?: (draft: Draft, dep: DependsLine, on: string) => void,
) {
  const problems = new Map<string, string>();
  const suggested = new Map<string, string[]>();
  const closest = (ref: string) => {
    if (!suggested.has(ref)) suggested.set(ref, index.closest(ref));
    return suggested.get(ref)!;
  };
  for (const { task, node, refs } of drafts) {
    const own = ancestors(node);
    for (const dep of refs) {
      for (const ref of dep.refs) {
        const target = index.resolve(ref);
        if (!target) {
          if (!dep.strict) continue;
          const key = `${dep.line}:${ref}`;
          if (!problems.has(key)) {
            // Closest names cost a pass over every target: only for the first lines, once per reference.
            const near = problems.size < MAX_SUGGESTED ? closest(ref) : [];
            problems.set(
              key,
              `line ${dep.line}: "${dep.raw}" — "${ref}" matches no section, task title or id.` +
                (near.length ? ` Closest: ${near.join('; ')}.` : ''),
            );
          }
          continue;
        }
        // A section's own heading, or a feature its task sits in, is not a dependency.
        if (own.has(target.scope) || target.scope === task) continue;
        for (const id of target.taskIds)
          if (id !== task.id && !task.dependsOn.includes(id)) {
            task.dependsOn.push(id);
            onEdge?.({ task, node, refs }, dep, id);
          }
      }
    }
  }
  if (problems.size) throw new SpecReferenceError([...problems.values()]);
}
