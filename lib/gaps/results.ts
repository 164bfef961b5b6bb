import type { TestStatus } from './types';

/**
 * Last results from a jest-style JSON report (`jest --json --outputFile FILE`; vitest's json reporter
 * writes the same shape): one status per test file and test title.
 */

interface AssertionResult {
  title?: string;
  fullName?: string;
  status?: string;
}
interface FileResult {
  name?: string;
  assertionResults?: AssertionResult[];
}

export interface ResultIndex {
  lookup(file: string, name: string): TestStatus;
}

const normalize = (p: string) => p.replace(/\\/g, '/');

/** `root` is the repository folder the report's absolute file names are made relative to. */
export function indexResults(report: unknown, root: string): ResultIndex {
  const byFile = new Map<string, AssertionResult[]>();
  const files = (report as { testResults?: FileResult[] } | null)?.testResults ?? [];
  const prefix = `${normalize(root).replace(/\/$/, '')}/`;
  for (const f of files) {
    const name = normalize(f.name ?? '');
    const rel = name.startsWith(prefix) ? name.slice(prefix.length) : name;
    byFile.set(rel, [...(byFile.get(rel) ?? []), ...(f.assertionResults ?? [])]);
  }
  const statusOf = (s: string | undefined): TestStatus =>
    s === 'passed' ? 'passed' : s === 'failed' ? 'failed' : s ? 'skipped' : 'not-run';
  return {
    lookup(file, name) {
      const results =
        byFile.get(file) ??
        [...byFile.entries()].find(([k]) => k.endsWith(`/${file}`) || file.endsWith(`/${k}`))?.[1] ??
        [];
      const hits = results.filter(
        (a) => a.title === name || a.fullName === name || (a.fullName ?? '').endsWith(` ${name}`),
      );
      if (!hits.length) return 'not-run';
      const states = hits.map((h) => statusOf(h.status));
      if (states.includes('failed')) return 'failed';
      if (states.includes('passed')) return 'passed';
      return states[0]!;
    },
  };
}
