/** A build plan: tasks with dependencies and the files they expect to touch. Pure types and validation. */

export type Complexity = 'simple' | 'moderate' | 'complex' | 'critical';
const LEVELS: readonly Complexity[] = ['simple', 'moderate', 'complex', 'critical'];

/** The level above `level`; null above critical. */
export function nextComplexity(level: Complexity): Complexity | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

export interface PlannedTask {
  id: string;
  title: string;
  description: string;
  acceptance: string[];
  dependsOn: string[];
  /** Paths the task expects to create or change; two running tasks never claim the same path. */
  files: string[];
  /** Set by the estimator; the planner may leave it out. */
  complexity?: Complexity;
  /** features.json ids this task delivers. */
  features?: string[];
  /** Ids of the spec requirements this task serves (lib/requirements). */
  requirementIds?: string[];
  /** The spec's own time estimate for the task ("A.1: Tokenizer (90 min)"), a size hint for estimation. */
  estimateMinutes?: number;
}

export interface Plan {
  project: string;
  tasks: PlannedTask[];
  /** Which planner produced it: heuristic or claude. */
  source: 'heuristic' | 'claude';
}

export interface PlanProblem {
  kind: 'duplicate-id' | 'unknown-dependency' | 'cycle' | 'self-dependency' | 'empty';
  message: string;
}

/** Checks ids, dependencies and cycles. Returns every problem found, empty when the plan is valid. */
export function validatePlan(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (plan.tasks.length === 0) problems.push({ kind: 'empty', message: 'The plan has no tasks.' });
  const ids = new Set<string>();
  for (const task of plan.tasks) {
    if (ids.has(task.id))
      problems.push({ kind: 'duplicate-id', message: `Task id "${task.id}" is used twice.` });
    ids.add(task.id);
  }
  for (const task of plan.tasks) {
    for (const dep of task.dependsOn) {
      if (dep === task.id)
        problems.push({ kind: 'self-dependency', message: `Task "${task.id}" depends on itself.` });
      else if (!ids.has(dep))
        problems.push({
          kind: 'unknown-dependency',
          message: `Task "${task.id}" depends on unknown task "${dep}".`,
        });
    }
  }
  const cycle = findCycle(plan.tasks);
  if (cycle) problems.push({ kind: 'cycle', message: `Dependency cycle: ${cycle.join(' -> ')}.` });
  return problems;
}

/** Returns one dependency cycle as a path (first id repeated at the end), or null. */
export function findCycle(tasks: readonly PlannedTask[]): string[] | null {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    const s = state.get(id);
    if (s === 'done') return null;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep) || dep === id) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const t of tasks) {
    const found = visit(t.id);
    if (found) return found;
  }
  return null;
}
