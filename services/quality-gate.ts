import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCoverage } from '../activities/quality/coverage';
import {
  complexFunctionsAt,
  duplicationAt,
  lintErrorsAt,
  typeErrorsAt,
  type Located,
} from '../activities/quality/code';
import { changedSince, isChanged, sourceFiles, type ChangedLines } from '../activities/quality/files';
import type { QualityGateSettings } from '../lib/contracts';
import { UserError } from '../lib/errors';
import {
  evaluateGate,
  gateSettings,
  type GateFinding,
  type GateMeasure,
  type GateReport,
  type QualityMeasurements,
} from '../lib/quality';
import type { BuildRunnerConfig } from '../lib/config';
import { gateSchema } from '../lib/quality/config';
import { scanPaths } from './secrets-files';
import { testCounts } from './quality';

/**
 * `br quality gate`: the quality gate of one change, scored only on the lines changed since `base`
 * (a task's base commit in a build). A build's task runs this very command in its worktree, in the
 * sandbox (activities/quality/gate.ts), with the settings the build started with.
 */

export interface GateOptions {
  /** The repository (or task worktree) to measure. */
  root: string;
  base: string;
  settings: QualityGateSettings;
  /** Measure only tracked files: what a task committed, not what its verify command left behind. */
  committedOnly?: boolean;
}

/** Settings for a run by hand: the config's quality.gate, or the gate's defaults when the config has none. */
export function settingsFromConfig(config: BuildRunnerConfig): QualityGateSettings {
  const quality = { ...config.quality, gate: config.quality.gate ?? gateSchema.parse({}) };
  return gateSettings(quality, config.gaps.testResults)!;
}

const tag = (measure: GateMeasure, found: Located[] | null | undefined): GateFinding[] =>
  (found ?? []).map((f) => ({ measure, ...f }));

async function secretsAt(root: string, changed: ChangedLines): Promise<Located[]> {
  const files = [...changed.keys()].filter((f) => existsSync(path.join(root, f))).sort();
  if (!files.length) return [];
  const found = await scanPaths(files, { cwd: root });
  return found
    .map((f) => ({ ...f, file: f.file.replace(/^\.\//, '') }))
    .filter((f) => isChanged(changed, f.file, f.line))
    .map((f) => ({
      file: f.file,
      line: f.line,
      message: `possible secret (${f.rule}): ${f.excerpt.trim()}`,
    }));
}

export async function runQualityGate(options: GateOptions): Promise<GateReport> {
  const { root, base, settings } = options;
  const on = (m: GateMeasure) => settings.measure.includes(m);
  let changed: ChangedLines;
  try {
    changed = await changedSince(root, base, { untracked: !options.committedOnly });
  } catch {
    throw new UserError(`--base ${base}: not a git ref in ${root}. Pass a branch, tag or commit.`);
  }
  const tracked = { untracked: !options.committedOnly };
  const files = (await sourceFiles(root, settings.sourcePattern, tracked)).filter((f) => changed.has(f));
  const all = on('duplication') ? await sourceFiles(root, settings.sourcePattern, tracked) : [];
  const coverage =
    on('lineCoverage') || on('branchCoverage')
      ? readCoverage(root, { summary: settings.coverageSummary, final: settings.coverageFinal }, changed)
      : { lines: null, branches: null };
  const types = on('typeErrors') && settings.typecheck ? await typeErrorsAt(root, changed) : null;
  const lint = on('lintErrors') ? await lintErrorsAt(root, files, changed) : null;
  const complex = on('complexity')
    ? await complexFunctionsAt(root, files, settings.complexityLimit, changed)
    : null;
  // Clones of the new lines anywhere in the tree count, not only clones within the change.
  const dup = on('duplication') && files.length ? await duplicationAt(root, all, changed) : null;
  const secrets = on('secrets') ? await secretsAt(root, changed) : null;
  const measurements: QualityMeasurements = {
    tests: on('tests') ? testCounts(path.resolve(root, settings.testResults)) : null,
    lineCoverage: coverage.lines,
    branchCoverage: coverage.branches,
    typeErrors: types?.length ?? null,
    lintErrors: lint?.length ?? null,
    complexity: complex?.length ?? null,
    duplication: dup && { duplicatedLines: dup.duplicatedLines, totalLines: dup.totalLines },
    secrets: secrets?.length ?? null,
    gaps: null,
  };
  const findings = [
    ...tag('typeErrors', types),
    ...tag('lintErrors', lint),
    ...tag('complexity', complex),
    ...tag('duplication', dup?.clones),
    ...tag('secrets', secrets),
  ];
  return evaluateGate(measurements, settings, { findings, base, files: files.length });
}
