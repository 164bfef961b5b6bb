import type { Plan, PlannedTask } from '../../lib/plan';
import { claimsConflict, normalizeClaim } from '../../workflows/core/scheduler';
import type { TraceEvent } from '../../workflows/simulation/runtime';

export function task(id: string, dependsOn: string[] = [], files: string[] = []): PlannedTask {
  return {
    id,
    title: `Task ${id}`,
    description: `Implement ${id}`,
    acceptance: [],
    dependsOn,
    files,
    features: [`f-${id}`],
  };
}

export function plan(tasks: PlannedTask[]): Plan {
  return { project: 'sim', source: 'heuristic', tasks };
}

/** Checks the scheduling invariants over a run's trace; returns the violations found. */
export function traceViolations(p: Plan, trace: TraceEvent[], parallel: number): string[] {
  const problems: string[] = [];
  const ended = new Map<string, string>();
  const running = new Set<string>();
  const byId = new Map(p.tasks.map((t) => [t.id, t]));
  const starts = new Map<string, number>();
  for (const e of trace) {
    const t = byId.get(e.taskId)!;
    if (e.kind === 'task-end') {
      running.delete(e.taskId);
      ended.set(e.taskId, e.outcome!);
      continue;
    }
    starts.set(e.taskId, (starts.get(e.taskId) ?? 0) + 1);
    for (const d of t.dependsOn)
      if (ended.get(d) !== 'SUCCEEDED') problems.push(`${t.id} started before ${d} succeeded`);
    for (const other of running) {
      const o = byId.get(other)!;
      if (t.files.some((a) => o.files.some((b) => claimsConflict(normalizeClaim(a), normalizeClaim(b)))))
        problems.push(`${t.id} and ${other} ran together with conflicting claims`);
    }
    running.add(e.taskId);
    if (running.size > parallel) problems.push(`${running.size} tasks running with parallel ${parallel}`);
  }
  if (running.size) problems.push(`still running at the end: ${[...running].join(', ')}`);
  for (const [id, n] of starts) if (n > 1) problems.push(`${id} started ${n} times`);
  return problems;
}
