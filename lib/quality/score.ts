import { SUB_SCORES, type SubScoreName } from './config';

/**
 * The 0–100 quality score: each sub-score 0–100 from its raw figure, then the weighted mean of the
 * sub-scores that could be measured. Pure and order-free: the inputs are counts, the sum runs in the
 * fixed SUB_SCORES order, so the same measurements always give the same score.
 */

export interface Ratio {
  covered: number;
  total: number;
}

export interface QualityMeasurements {
  tests: { passed: number; total: number } | null;
  lineCoverage: Ratio | null;
  branchCoverage: Ratio | null;
  typeErrors: number | null;
  lintErrors: number | null;
  /** Functions over the cognitive-complexity limit. */
  complexity: number | null;
  duplication: { duplicatedLines: number; totalLines: number } | null;
  secrets: number | null;
  /** Open high-severity findings of `br gaps analyze`. */
  gaps: number | null;
}

export interface SubScore {
  name: SubScoreName;
  /** null when it could not be measured (then it does not count). */
  score: number | null;
  raw: string;
  weight: number;
  /** How the raw figure becomes the score. */
  rule: string;
}

export interface QualityScore {
  score: number;
  threshold: number;
  passed: boolean;
  subScores: SubScore[];
}

const pct = (n: number, d: number) => (d === 0 ? null : (100 * n) / d);
const clamp = (n: number) => Math.max(0, Math.min(100, n));
const round1 = (n: number) => Math.round(n * 10) / 10;
const per = (count: number, penalty: number) => clamp(100 - penalty * count);

type Rule = (m: QualityMeasurements) => { score: number | null; raw: string; rule: string };

const RULES: Record<SubScoreName, Rule> = {
  tests: ({ tests: t }) => ({
    score: t ? pct(t.passed, t.total) : null,
    raw: t ? `${t.passed}/${t.total} passed` : 'no test results',
    rule: '100 × passed / total',
  }),
  lineCoverage: ({ lineCoverage: c }) => ({
    score: c ? pct(c.covered, c.total) : null,
    raw: c ? `${c.covered}/${c.total} lines` : 'no coverage summary',
    rule: 'percent of lines covered',
  }),
  branchCoverage: ({ branchCoverage: c }) => ({
    score: c ? pct(c.covered, c.total) : null,
    raw: c ? `${c.covered}/${c.total} branches` : 'no coverage summary',
    rule: 'percent of branches covered',
  }),
  typeErrors: ({ typeErrors: n }) => ({
    score: n === null ? null : per(n, 10),
    raw: n === null ? 'not measured' : `${n} type errors`,
    rule: '100 − 10 per error',
  }),
  lintErrors: ({ lintErrors: n }) => ({
    score: n === null ? null : per(n, 10),
    raw: n === null ? 'not measured' : `${n} lint errors`,
    rule: '100 − 10 per error',
  }),
  complexity: ({ complexity: n }) => ({
    score: n === null ? null : per(n, 10),
    raw: n === null ? 'not measured' : `${n} functions over the limit`,
    rule: '100 − 10 per function over the cognitive-complexity limit',
  }),
  duplication: ({ duplication: d }) => {
    const share = d ? pct(d.duplicatedLines, d.totalLines) : null;
    return {
      score: share === null ? null : clamp(100 - 10 * Math.max(0, share - 3)),
      raw: d ? `${d.duplicatedLines}/${d.totalLines} lines duplicated` : 'not measured',
      rule: '100 up to 3 % duplicated lines, then − 10 per point',
    };
  },
  secrets: ({ secrets: n }) => ({
    score: n === null ? null : n === 0 ? 100 : 0,
    raw: n === null ? 'not measured' : `${n} secret findings`,
    rule: '0 with any secret, else 100',
  }),
  gaps: ({ gaps: n }) => ({
    score: n === null ? null : per(n, 25),
    raw: n === null ? 'no spec' : `${n} open high-severity gaps`,
    rule: '100 − 25 per high-severity gap',
  }),
};

export function scoreQuality(
  m: QualityMeasurements,
  weights: Record<SubScoreName, number>,
  threshold: number,
): QualityScore {
  const subScores = SUB_SCORES.map((name): SubScore => {
    const r = RULES[name](m);
    return {
      name,
      score: r.score === null ? null : round1(r.score),
      raw: r.raw,
      weight: weights[name],
      rule: r.rule,
    };
  });
  let sum = 0;
  let weight = 0;
  for (const s of subScores)
    if (s.score !== null && s.weight > 0) {
      sum += s.score * s.weight;
      weight += s.weight;
    }
  const score = weight === 0 ? 0 : round1(sum / weight);
  return { score, threshold, passed: score >= threshold, subScores };
}

/** Sub-scores that fell below a recorded baseline (the ratchet). */
export function regressions(
  current: SubScore[],
  baseline: Partial<Record<SubScoreName, number | null>>,
): { name: SubScoreName; baseline: number; score: number }[] {
  const out: { name: SubScoreName; baseline: number; score: number }[] = [];
  for (const s of current) {
    const before = baseline[s.name];
    if (typeof before === 'number' && s.score !== null && s.score < before)
      out.push({ name: s.name, baseline: before, score: s.score });
  }
  return out;
}
