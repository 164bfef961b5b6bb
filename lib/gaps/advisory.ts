import { z } from 'zod';
import type { GapReport } from './types';

/**
 * The optional `br gaps analyze --ai` pass: Claude reads the deterministic report and adds advisory
 * findings the rules cannot see (a test whose name does not exercise its requirement, two requirements
 * that contradict each other, wording a test cannot decide). Advisory only: it sits beside the report,
 * never inside its findings, counts or exit code.
 */

export const ADVISORY_NOTE =
  'Advisory findings by a model: not part of the gap report, its counts or its exit code; check them yourself.';

export const advisorySchema = z.strictObject({
  findings: z
    .array(
      z.strictObject({
        requirementId: z.string().min(1),
        concern: z.string().min(1).max(600),
        suggestion: z.string().min(1).max(600),
      }),
    )
    .max(50),
});
export type AdvisoryAnswer = z.output<typeof advisorySchema>;

export interface AdvisoryReport {
  advisory: true;
  note: string;
  model: string;
  /** USD spent on the pass, exact decimal string. */
  costUsd: string;
  findings: AdvisoryAnswer['findings'];
  /** The pass failed (no key, API error): the report stands as it is. */
  error?: { code: string; message: string };
}

/** Answers must name requirements of this report (anything else is sent back for repair). */
export function advisoryProblems(report: GapReport, answer: AdvisoryAnswer): string[] {
  const ids = new Set(report.matrix.map((r) => r.requirement.id));
  return answer.findings
    .filter((f) => !ids.has(f.requirementId))
    .map((f) => `requirementId "${f.requirementId}" is not one of the spec's requirement ids`);
}

export function advisoryPrompt(report: GapReport): string {
  const rows = report.matrix.map((r) => {
    const tests = r.tests.map((t) => `${t.file}: "${t.name}" (${t.status})`).join('; ') || 'none';
    return `- ${r.requirement.id} [${r.state}] ${r.requirement.text}\n  tests: ${tests}`;
  });
  const found = report.findings.map((f) => `- ${f.severity} ${f.kind}: ${f.message}`);
  return [
    `Spec ${report.spec}: its requirements, each with its traceability state and the tests citing it.`,
    '',
    ...rows,
    '',
    'Findings the deterministic rules already report (do not repeat them):',
    ...(found.length ? found : ['- none']),
    '',
    'Report only what these rules cannot see: a citing test whose name does not seem to exercise its',
    'requirement, requirements that contradict or duplicate each other, acceptance wording a test could',
    'not decide. Name the requirement id for each, say the concern and what to do. An empty list is a',
    'good answer when nothing stands out. Call report_advisory with your answer.',
  ].join('\n');
}

export function advisoryMarkdown(advisory: AdvisoryReport): string {
  const lines = [
    '',
    '## Advisory findings (AI)',
    '',
    `> ${advisory.note} Model ${advisory.model}, USD ${advisory.costUsd}.`,
    '',
  ];
  if (advisory.error)
    lines.push(`The advisory pass failed (${advisory.error.code}): ${advisory.error.message}`);
  else if (!advisory.findings.length) lines.push('None.');
  for (const f of advisory.findings)
    lines.push(`- **advisory** ${f.requirementId}: ${f.concern} Suggestion: ${f.suggestion}`);
  return `${lines.join('\n')}\n`;
}
