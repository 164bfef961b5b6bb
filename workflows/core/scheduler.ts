/**
 * DAG scheduling as pure state: which tasks may start now (dependencies succeeded, at most `parallel`
 * running, no two running tasks claiming the same path), critical-path-first among the ready ones,
 * transitive BLOCKED on failure, and termination. No I/O, no clock: the build body drives it.
 */
import type { TaskState } from './types';

export interface SchedulableTask {
  id: string;
  dependsOn: readonly string[];
  files: readonly string[];
  /** Estimated duration in any unit; only ratios matter (critical-path ordering). */
  weight: number;
}

/** Normalises a claimed path: forward slashes, no "./", no duplicate or trailing slash, ".." resolved. */
export function normalizeClaim(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** Two claims conflict when equal or when one is a directory containing the other (`src` vs `src/a.ts`). */
export function claimsConflict(a: string, b: string): boolean {
  if (a === '' || b === '') return true;
  return a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`);
}

/**
 * Longest remaining path from each task to the end of the graph, weighted by estimated duration
 * (the task's own weight included). Assumes an acyclic plan (validatePlan ran first).
 */
export function criticalPathWeights(tasks: readonly SchedulableTask[]): Map<string, number> {
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of t.dependsOn) dependents.get(d)?.push(t.id);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, number>();
  // Iterative post-order so a 1,000-deep chain does not overflow the stack.
  for (const root of tasks) {
    const stack: [string, boolean][] = [[root.id, false]];
    while (stack.length) {
      const [id, expanded] = stack.pop()!;
      if (memo.has(id)) continue;
      const next = dependents.get(id) ?? [];
      if (!expanded) {
        stack.push([id, true]);
        for (const n of next) if (!memo.has(n)) stack.push([n, false]);
        continue;
      }
      let tail = 0;
      for (const n of next) tail = Math.max(tail, memo.get(n) ?? 0);
      memo.set(id, (byId.get(id)?.weight ?? 0) + tail);
    }
  }
  return memo;
}

/** The scheduler's state for one build. Mutated only through its methods; cheap per decision. */
export class DagScheduler {
  readonly states = new Map<string, TaskState>();
  private readonly tasks = new Map<string, SchedulableTask>();
  private readonly claims = new Map<string, string[]>();
  private readonly dependents = new Map<string, string[]>();
  private readonly waitingOn = new Map<string, number>();
  private readonly priority: Map<string, number>;
  private readonly order: Map<string, number>;
  private readonly ready = new Set<string>();
  private readonly running = new Set<string>();

  constructor(
    tasks: readonly SchedulableTask[],
    /** States carried over from an earlier run (continue-as-new); missing ids start PENDING. */
    initial: Readonly<Record<string, TaskState>> = {},
  ) {
    this.priority = criticalPathWeights(tasks);
    this.order = new Map(tasks.map((t, i) => [t.id, i]));
    for (const t of tasks) {
      this.tasks.set(t.id, t);
      this.claims.set(t.id, [...new Set(t.files.map(normalizeClaim))]);
      this.dependents.set(t.id, []);
      const carried = initial[t.id];
      // A task that was running when the previous run ended was drained first, so RUNNING never carries.
      this.states.set(t.id, carried && carried !== 'RUNNING' ? carried : 'PENDING');
    }
    for (const t of tasks) for (const d of t.dependsOn) this.dependents.get(d)?.push(t.id);
    for (const t of tasks) {
      if (this.states.get(t.id) !== 'PENDING') continue;
      const unmet = t.dependsOn.filter((d) => this.states.get(d) !== 'SUCCEEDED');
      if (unmet.some((d) => isTerminalFailure(this.states.get(d)))) {
        this.states.set(t.id, 'BLOCKED');
        continue;
      }
      this.waitingOn.set(t.id, unmet.length);
      if (unmet.length === 0) this.ready.add(t.id);
    }
    // Dependents of carried failures may have been left PENDING: block them now.
    for (const t of tasks) if (this.states.get(t.id) === 'BLOCKED') this.blockDependentsOf(t.id);
  }

  get runningCount(): number {
    return this.running.size;
  }

  runningIds(): string[] {
    return [...this.running];
  }

  /** A task's claims: the plan's files plus any it learned from a merge conflict. */
  claimsOf(id: string): readonly string[] {
    return this.claims.get(id) ?? [];
  }

  /**
   * Adds files a task learned it touches (a merge conflict on them): from now on no task claiming one
   * of them starts beside it. Returns the claims that were new.
   */
  learnClaims(id: string, files: readonly string[]): string[] {
    const mine = this.claims.get(id);
    if (!mine) return [];
    const added = [...new Set(files.map(normalizeClaim))].filter((f) => f !== '' && !mine.includes(f));
    mine.push(...added);
    return added;
  }

  /**
   * The tasks to start now, best first: ready (dependencies succeeded), highest critical-path weight
   * first (ties by plan order), skipping any whose claims conflict with a running or chosen task,
   * until `parallel` would be exceeded. Does not mark them running: call `start` for each.
   */
  pickStartable(parallel: number): string[] {
    const free = parallel - this.running.size;
    if (free <= 0 || this.ready.size === 0) return [];
    const held: string[] = [];
    for (const id of this.running) held.push(...(this.claims.get(id) ?? []));
    const candidates = [...this.ready].sort(
      (a, b) =>
        (this.priority.get(b) ?? 0) - (this.priority.get(a) ?? 0) ||
        (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0),
    );
    const picked: string[] = [];
    for (const id of candidates) {
      const mine = this.claims.get(id) ?? [];
      if (mine.some((c) => held.some((h) => claimsConflict(c, h)))) continue;
      picked.push(id);
      held.push(...mine);
      if (picked.length === free) break;
    }
    return picked;
  }

  start(id: string): void {
    if (!this.ready.delete(id)) throw new Error(`Task "${id}" is not ready to start.`);
    this.running.add(id);
    this.states.set(id, 'RUNNING');
  }

  /**
   * Records a running task's end. Returns the ids newly BLOCKED (transitively) when it did not succeed.
   */
  finish(id: string, outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'): string[] {
    this.running.delete(id);
    this.states.set(id, outcome);
    if (outcome !== 'SUCCEEDED') return this.blockDependentsOf(id);
    for (const dep of this.dependents.get(id) ?? []) {
      if (this.states.get(dep) !== 'PENDING') continue;
      const left = (this.waitingOn.get(dep) ?? 0) - 1;
      this.waitingOn.set(dep, left);
      if (left === 0) this.ready.add(dep);
    }
    return [];
  }

  /** Marks every task that has not started with `state` (a cancel or a budget stop). Returns their ids. */
  abandonPending(state: 'CANCELLED'): string[] {
    const ids: string[] = [];
    for (const [id, s] of this.states) {
      if (s !== 'PENDING') continue;
      this.states.set(id, state);
      this.ready.delete(id);
      ids.push(id);
    }
    return ids;
  }

  /** True when every task is in a terminal state. */
  isFinished(): boolean {
    if (this.running.size > 0) return false;
    for (const s of this.states.values()) if (s === 'PENDING') return false;
    return true;
  }

  private blockDependentsOf(id: string): string[] {
    const blocked: string[] = [];
    const stack = [...(this.dependents.get(id) ?? [])];
    while (stack.length) {
      const dep = stack.pop()!;
      if (this.states.get(dep) !== 'PENDING') continue;
      this.states.set(dep, 'BLOCKED');
      this.ready.delete(dep);
      blocked.push(dep);
      stack.push(...(this.dependents.get(dep) ?? []));
    }
    return blocked;
  }
}

function isTerminalFailure(state: TaskState | undefined): boolean {
  return state === 'FAILED' || state === 'BLOCKED' || state === 'CANCELLED';
}
