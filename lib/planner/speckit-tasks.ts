import type { Plan } from '../plan';
import { checkModel, toPlan } from '../import/model';
import { readSpeckit } from '../import/speckit';
import type { SectionReading } from './reading';
import { slugify } from './slug';

/**
 * A Spec Kit tasks.md (`# Tasks: …` over `- [ ] T001 …` lines) is read the way `br import speckit`
 * reads it: [P], phases and its Dependencies section give the edges; Format, Parallel Example, Notes
 * and Validation Checklist are not work.
 */
export function isSpeckitTasks(markdown: string): boolean {
  return (
    /^#\s+Tasks\s*:/im.test(markdown) &&
    (markdown.match(/^\s*[-*]\s+\[[ xX]\]\s+T\d{3}\b/gm)?.length ?? 0) >= 3 &&
    !/\((?:depends on|after):/i.test(markdown)
  );
}

export function planSpeckitTasks(
  markdown: string,
  fallbackProject: string,
): { plan: Plan; readings: SectionReading[] } {
  const read = readSpeckit(markdown, 'the spec');
  checkModel(read.model, 'the spec');
  const { plan } = toPlan(read.model, read.title ? slugify(read.title) : fallbackProject, new Date(0));
  return { plan, readings: [...read.readings].sort((a, b) => a.line - b.line) };
}
