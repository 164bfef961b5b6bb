import type { ImportReport } from '../../services/importer';
import { printable } from './format';

/** The text of `br import …`: what was (or would be) written and what changed since the last import. */
export function renderImport(r: ImportReport): string {
  const list = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');
  const lines = [
    r.noop
      ? `Nothing changed since the last import of ${r.source}: nothing written.`
      : r.applied
        ? `Imported ${r.source} (${r.format}${r.tag ? `, tag ${r.tag}` : ''}).`
        : `Dry run: nothing written. Run again with --apply to write the plan, features and ledger.`,
    `Plan: ${r.planned} task(s), hash ${r.planHash} → ${r.planFile}`,
    `Tasks: added ${list(r.tasks.added)}; changed ${list(r.tasks.changed)}; removed ${list(r.tasks.removed)}; unchanged ${r.tasks.unchanged}`,
    `Features: added ${list(r.features.added)}; updated ${list(r.features.updated)}; removed ${list(r.features.removed)}; unchanged ${r.features.unchanged}`,
  ];
  if (r.notPlanned.length)
    lines.push(`Not planned: ${r.notPlanned.map((t) => `${t.id} (${t.status})`).join(', ')}`);
  if (r.droppedDependencies.length)
    lines.push(
      `Dependencies on tasks not planned (left out of the plan): ${r.droppedDependencies
        .map((d) => `${d.task} → ${d.on} (${d.status})`)
        .join(', ')}`,
    );
  const kept = Object.entries(r.keptFields);
  if (kept.length)
    lines.push(
      `Kept as they were (not mapped): ${kept.map(([field, n]) => `${field} (${n} task(s))`).join(', ')}`,
    );
  for (const line of r.ignored) lines.push(`Ignored dependency line, it names no task or phase: ${line}`);
  if (!r.noop) lines.push(`Build it with: br build start ${r.source} --plan ${r.planFile}`);
  // Ids, tags, field names and paths come from the task file: each line stays one line of inert text.
  return lines.map(printable).join('\n');
}
