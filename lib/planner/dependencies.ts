/**
 * The last steps of heuristic planning: document-level success criteria attached to the sections
 * they name, and "Depends on" references turned into task dependencies, or into one error that lists
 * every reference that names nothing.
 */
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

/** Document-level success criteria go to the sections they mention ("Build A parses …"); others to none. */
export function attachDocAcceptance(criteria: string[], produced: Map<SpecNode, string[]>, drafts: Draft[]) {
  const byId = new Map(drafts.map((d) => [d.task.id, d.task]));
  for (const criterion of criteria) {
    const lower = criterion.toLowerCase();
    for (const [node, ids] of produced) {
      const label = node.kindWord && node.label ? `${node.kindWord} ${node.label}`.toLowerCase() : null;
      const named =
        (label && new RegExp(`\\b${label.replace(/[.]/g, '\\.')}\\b`).test(lower)) ||
        (node.name.length >= 6 && lower.includes(node.name.toLowerCase()));
      if (!named) continue;
      for (const id of ids) {
        const task = byId.get(id)!;
        if (!task.acceptance.includes(criterion)) task.acceptance.push(criterion);
      }
    }
  }
}

function ancestors(node: SpecNode): Set<unknown> {
  const out = new Set<unknown>();
  for (let n: SpecNode | null = node; n; n = n.parent) out.add(n);
  return out;
}

export function resolveDependencies(drafts: Draft[], index: ReferenceIndex) {
  const problems = new Map<string, string>();
  for (const { task, node, refs } of drafts) {
    const own = ancestors(node);
    for (const dep of refs) {
      for (const ref of dep.refs) {
        const target = index.resolve(ref);
        if (!target) {
          if (!dep.strict) continue;
          const key = `${dep.line}:${ref}`;
          if (!problems.has(key)) {
            const near = index.closest(ref);
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
          if (id !== task.id && !task.dependsOn.includes(id)) task.dependsOn.push(id);
      }
    }
  }
  if (problems.size) throw new SpecReferenceError([...problems.values()]);
}
