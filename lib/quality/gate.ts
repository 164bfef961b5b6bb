import type { QualityGateSettings } from '../contracts/quality';
import type { GateMeasure, QualityConfig } from './config';
import { scoreQuality, type QualityMeasurements, type SubScore } from './score';

/**
 * The quality gate of a task's change: the sub-scores it measures on the changed lines, the weighted
 * score against the threshold, and each required sub-score against its minimum. Pure: the service
 * measures, this decides and writes the feedback the agent gets on its repair attempt.
 */

/** One thing the agent can fix: where, which check, what it said. */
export interface GateFinding {
  measure: GateMeasure;
  file: string;
  line: number;
  message: string;
}

export interface GateReport {
  passed: boolean;
  /** Weighted score of the sub-scores measured; null when nothing in the change could be measured. */
  score: number | null;
  threshold: number;
  subScores: SubScore[];
  /** The conditions that failed, in words. */
  failed: string[];
  findings: GateFinding[];
  base: string;
  /** Changed source files the code measurements looked at. */
  files: number;
}

/** The build's gate settings from the config, or undefined when `quality.gate` is absent (gate off). */
export function gateSettings(quality: QualityConfig, testResults: string): QualityGateSettings | undefined {
  const gate = quality.gate;
  if (!gate) return undefined;
  return {
    threshold: gate.threshold ?? quality.threshold,
    require: gate.require,
    measure: [...gate.measure],
    timeoutSeconds: gate.timeoutSeconds,
    weights: quality.weights,
    complexityLimit: quality.complexityLimit,
    sourcePattern: quality.sourcePattern,
    typecheck: quality.typecheck,
    coverageSummary: quality.coverageSummary,
    coverageFinal: quality.coverageFinal,
    testResults,
  };
}

/** Sets what the gate does not measure to null, so it neither counts nor fails. */
export function onlyMeasured(m: QualityMeasurements, measure: readonly GateMeasure[]): QualityMeasurements {
  const out = { ...m, gaps: null };
  for (const key of Object.keys(out) as (keyof QualityMeasurements)[])
    if (key !== 'gaps' && !measure.includes(key)) out[key] = null;
  return out;
}

export function evaluateGate(
  measurements: QualityMeasurements,
  settings: QualityGateSettings,
  context: { findings: GateFinding[]; base: string; files: number },
): GateReport {
  const scored = scoreQuality(onlyMeasured(measurements, settings.measure), settings.weights, 0);
  const counted = scored.subScores.filter((s) => s.score !== null && s.weight > 0);
  const score = counted.length ? scored.score : null;
  const failed: string[] = [];
  if (score !== null && settings.threshold > 0 && score < settings.threshold)
    failed.push(`score ${score} is below the threshold ${settings.threshold}`);
  for (const s of scored.subScores) {
    const min = settings.require[s.name as GateMeasure];
    if (min === undefined || s.score === null) continue;
    if (s.score < min) failed.push(`${s.name} ${s.score} is below the required ${min} (${s.raw})`);
  }
  const findings = [...context.findings].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.measure.localeCompare(b.measure),
  );
  return {
    passed: failed.length === 0,
    score,
    threshold: settings.threshold,
    subScores: scored.subScores.filter((s) => settings.measure.includes(s.name as GateMeasure)),
    failed,
    findings,
    base: context.base,
    files: context.files,
  };
}

const MAX_FINDINGS = 60;

/** The gate's verdict as the agent reads it on the repair attempt (and a person in the build logs). */
export function gateFeedback(report: GateReport): string {
  const lines = [
    `Quality gate ${report.passed ? 'passed' : 'FAILED'} on the lines changed since ${report.base.slice(0, 12)}` +
      ` (${report.files} changed source files): score ${report.score ?? 'n/a'}, threshold ${report.threshold}.`,
  ];
  for (const f of report.failed) lines.push(`- ${f}`);
  lines.push('Sub-scores:');
  for (const s of report.subScores)
    lines.push(`  ${s.name}: ${s.score === null ? 'n/a' : s.score} (${s.raw}; ${s.rule})`);
  if (report.findings.length) {
    lines.push('Findings on the changed lines (fix these):');
    for (const f of report.findings.slice(0, MAX_FINDINGS))
      lines.push(`  ${f.file}:${f.line}: [${f.measure}] ${f.message}`);
    if (report.findings.length > MAX_FINDINGS)
      lines.push(`  … and ${report.findings.length - MAX_FINDINGS} more.`);
  }
  return `${lines.join('\n')}\n`;
}
