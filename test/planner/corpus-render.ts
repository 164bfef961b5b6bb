import type { Plan } from '../../lib/plan';

/** A plan as reviewable text: one line per task, then its dependencies, size hint and acceptance. */
export function renderPlan(plan: Plan): string {
  const lines = [`project: ${plan.project}`];
  for (const t of plan.tasks) {
    lines.push(`${t.id}: ${t.title}`);
    if (t.dependsOn.length) lines.push(`  after: ${t.dependsOn.join(', ')}`);
    if (t.estimateMinutes !== undefined) lines.push(`  size: ${t.estimateMinutes} min`);
    if (t.files.length) lines.push(`  files: ${t.files.join(', ')}`);
    for (const a of t.acceptance) lines.push(`  ✓ ${a}`);
  }
  return lines.join('\n');
}
