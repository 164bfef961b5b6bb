import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCoverage } from '../activities/quality/coverage';
import { complexFunctions, duplication, lintErrors, typeErrors } from '../activities/quality/code';
import { changedSince, isChanged, sourceFiles, type ChangedLines } from '../activities/quality/files';
import { UserError } from '../lib/errors';
import { regressions, scoreQuality, type QualityMeasurements, type QualityScore } from '../lib/quality';
import { scanPaths } from './secrets-files';
import type { ServiceContext } from './context';
import { analyzeSpecGaps } from './gaps';

/**
 * `br quality check`: measure the tree (or only the lines changed since a ref), score it 0–100 with the
 * configured weights, and compare with the threshold and, with the ratchet, the recorded baseline.
 */

export interface QualityOptions {
  threshold?: number;
  /** Score only lines changed since this git ref ("clean as you code"). */
  newCode?: string;
  /** Fail when a sub-score falls below the recorded baseline; record it when none fails. */
  ratchet?: boolean;
  /** The spec whose high-severity gaps count; default `gaps.defaultSpec` when it exists. */
  specPath?: string;
  resultsFile?: string;
}

export interface QualityReport extends QualityScore {
  newCode: string | null;
  files: number;
  ratchet: { baselineFile: string; recorded: boolean; regressions: ReturnType<typeof regressions> } | null;
}

export function testCounts(file: string): QualityMeasurements['tests'] {
  if (!existsSync(file)) return null;
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests?: number;
    numTotalTests?: number;
    testResults?: { assertionResults?: { status?: string }[] }[];
  };
  if (typeof r.numTotalTests === 'number')
    return r.numTotalTests ? { passed: r.numPassedTests ?? 0, total: r.numTotalTests } : null;
  const all = (r.testResults ?? []).flatMap((f) => f.assertionResults ?? []);
  return all.length ? { passed: all.filter((a) => a.status === 'passed').length, total: all.length } : null;
}

async function secretCount(root: string, changed: ChangedLines | null): Promise<number> {
  const findings = await scanPaths(['.'], { cwd: root });
  return findings.filter((f) => isChanged(changed, f.file.replace(/^\.\//, ''), f.line)).length;
}

async function highGaps(ctx: ServiceContext, specPath: string | undefined): Promise<number | null> {
  const spec = specPath ?? ctx.config.gaps.defaultSpec;
  if (!existsSync(path.resolve(ctx.cwd, spec))) {
    if (specPath) throw new UserError(`Spec not found: ${specPath}.`);
    return null;
  }
  return (await analyzeSpecGaps(ctx, { specPath: spec })).counts.high;
}

export async function qualityCheck(
  ctx: ServiceContext,
  options: QualityOptions = {},
): Promise<QualityReport> {
  const root = ctx.root;
  const q = ctx.config.quality;
  const threshold = options.threshold ?? q.threshold;
  if (!(threshold >= 0 && threshold <= 100))
    throw new UserError(`--threshold must be a number from 0 to 100, not ${String(options.threshold)}.`);
  let changed: ChangedLines | null = null;
  if (options.newCode) {
    try {
      changed = await changedSince(root, options.newCode);
    } catch {
      throw new UserError(
        `--new-code ${options.newCode}: not a git ref in ${root}. Pass a branch, tag or commit.`,
      );
    }
  }
  const all = await sourceFiles(root, q.sourcePattern);
  const files = changed ? all.filter((f) => changed.has(f)) : all;
  const coverage = readCoverage(root, { summary: q.coverageSummary, final: q.coverageFinal }, changed);
  const measurements: QualityMeasurements = {
    tests: testCounts(
      path.resolve(options.resultsFile ? ctx.cwd : root, options.resultsFile ?? ctx.config.gaps.testResults),
    ),
    lineCoverage: coverage.lines,
    branchCoverage: coverage.branches,
    typeErrors: q.typecheck ? await typeErrors(root, changed) : null,
    lintErrors: await lintErrors(root, files, changed),
    complexity: await complexFunctions(root, files, q.complexityLimit, changed),
    duplication: await duplication(root, all, changed),
    secrets: await secretCount(root, changed),
    gaps: await highGaps(ctx, options.specPath),
  };
  const scored = scoreQuality(measurements, q.weights, threshold);
  let ratchet: QualityReport['ratchet'] = null;
  if (options.ratchet) {
    const file = path.resolve(root, q.baselineFile);
    const baseline = existsSync(file)
      ? ((JSON.parse(readFileSync(file, 'utf8')) as { subScores?: Record<string, number | null> })
          .subScores ?? {})
      : {};
    const fell = regressions(scored.subScores, baseline);
    if (!fell.length) {
      const next: Record<string, number | null> = {};
      for (const s of scored.subScores) next[s.name] = Math.max(s.score ?? 0, baseline[s.name] ?? 0);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ subScores: next }, null, 2)}\n`);
    }
    ratchet = { baselineFile: q.baselineFile, recorded: !fell.length, regressions: fell };
  }
  return {
    ...scored,
    passed: scored.passed && !(ratchet?.regressions.length ?? 0),
    newCode: options.newCode ?? null,
    files: files.length,
    ratchet,
  };
}
