import type { CorpusFile } from './generate';

/** Where a scanner reported something: file and 1-based line. */
export interface Reported {
  file: string;
  line: number;
}

export interface Score {
  positives: number;
  truePositives: number;
  falsePositives: number;
  recall: number;
  precision: number;
  /** Planted families with at least one miss, with the miss count. */
  missedByFamily: Record<string, number>;
  /** A few false positives, for tuning. */
  falsePositiveSamples: string[];
}

/**
 * Line-level scoring, the same for every scanner: a planted secret counts as found when anything
 * is reported on its line; each other reported line is one false positive.
 */
export function score(corpus: CorpusFile[], reported: Reported[]): Score {
  const byFile = new Map<string, Set<number>>();
  for (const r of reported) {
    const lines = byFile.get(r.file) ?? new Set<number>();
    lines.add(r.line);
    byFile.set(r.file, lines);
  }
  let positives = 0;
  let truePositives = 0;
  let falsePositives = 0;
  const missedByFamily: Record<string, number> = {};
  const falsePositiveSamples: string[] = [];
  for (const file of corpus) {
    const lines = byFile.get(file.path) ?? new Set<number>();
    const labelled = new Set(file.labels.map((l) => l.line));
    positives += file.labels.length;
    for (const label of file.labels) {
      if (lines.has(label.line)) truePositives++;
      else missedByFamily[label.family] = (missedByFamily[label.family] ?? 0) + 1;
    }
    for (const line of lines) {
      if (labelled.has(line)) continue;
      falsePositives++;
      if (falsePositiveSamples.length < 20)
        falsePositiveSamples.push(
          `${file.path}:${line}: ${file.content.split('\n')[line - 1]?.slice(0, 100)}`,
        );
    }
  }
  const found = truePositives + falsePositives;
  return {
    positives,
    truePositives,
    falsePositives,
    recall: positives ? truePositives / positives : 1,
    precision: found ? truePositives / found : 1,
    missedByFamily,
    falsePositiveSamples,
  };
}
