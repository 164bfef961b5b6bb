import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Ratio } from '../../lib/quality';
import { isChanged, type ChangedLines } from './files';

/**
 * Line and branch coverage from Istanbul's reports (jest, nyc, and c8 from V8 coverage all write
 * them): `json-summary` for the whole tree; `json` (coverage-final.json) for changed lines only.
 */

interface SummaryMetric {
  total: number;
  covered: number;
}
interface FileCoverage {
  statementMap: Record<string, { start: { line: number }; end: { line: number } }>;
  s: Record<string, number>;
  branchMap: Record<string, { loc?: { start: { line: number } }; line?: number }>;
  b: Record<string, number[]>;
}

export interface CoverageFigures {
  lines: Ratio | null;
  branches: Ratio | null;
}

const posix = (p: string) => p.replace(/\\/g, '/');

export function readCoverage(
  repo: string,
  files: { summary: string; final: string },
  changed: ChangedLines | null,
): CoverageFigures {
  if (!changed) {
    const file = path.resolve(repo, files.summary);
    if (!existsSync(file)) return { lines: null, branches: null };
    const total = (JSON.parse(readFileSync(file, 'utf8')) as { total?: Record<string, SummaryMetric> }).total;
    const ratio = (m: SummaryMetric | undefined) =>
      m && m.total > 0 ? { covered: m.covered, total: m.total } : null;
    return { lines: ratio(total?.lines), branches: ratio(total?.branches) };
  }
  const file = path.resolve(repo, files.final);
  if (!existsSync(file)) return { lines: null, branches: null };
  const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, FileCoverage>;
  const lines = { covered: 0, total: 0 };
  const branches = { covered: 0, total: 0 };
  for (const abs of Object.keys(report).sort()) {
    const rel = posix(path.relative(repo, abs));
    const cov = report[abs]!;
    const hits = new Map<number, boolean>();
    for (const [id, loc] of Object.entries(cov.statementMap)) {
      const line = loc.start.line;
      if (!isChanged(changed, rel, line)) continue;
      hits.set(line, (hits.get(line) ?? false) || (cov.s[id] ?? 0) > 0);
    }
    for (const hit of hits.values()) {
      lines.total += 1;
      if (hit) lines.covered += 1;
    }
    for (const [id, loc] of Object.entries(cov.branchMap)) {
      const line = loc.loc?.start.line ?? loc.line ?? 0;
      if (!isChanged(changed, rel, line)) continue;
      for (const n of cov.b[id] ?? []) {
        branches.total += 1;
        if (n > 0) branches.covered += 1;
      }
    }
  }
  return { lines: lines.total ? lines : null, branches: branches.total ? branches : null };
}
