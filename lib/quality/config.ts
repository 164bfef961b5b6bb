import { z } from 'zod';

/**
 * `quality` in buildrunner.config.json: the gate's threshold, the weight of each sub-score and where
 * the measurements come from. Weights are relative; a sub-score that cannot be measured drops out and
 * the others are re-weighted.
 */

export const SUB_SCORES = [
  'tests',
  'lineCoverage',
  'branchCoverage',
  'typeErrors',
  'lintErrors',
  'complexity',
  'duplication',
  'secrets',
  'gaps',
] as const;
export type SubScoreName = (typeof SUB_SCORES)[number];

export const DEFAULT_WEIGHTS: Record<SubScoreName, number> = {
  tests: 20,
  lineCoverage: 15,
  branchCoverage: 10,
  typeErrors: 15,
  lintErrors: 10,
  complexity: 5,
  duplication: 5,
  secrets: 10,
  gaps: 10,
};

const weight = z.number().min(0).max(1000);

export const qualitySchema = z.strictObject({
  threshold: z.number().min(0).max(100).default(80),
  weights: z
    .strictObject(
      Object.fromEntries(SUB_SCORES.map((k) => [k, weight.default(DEFAULT_WEIGHTS[k])])) as {
        [K in SubScoreName]: z.ZodDefault<typeof weight>;
      },
    )
    .prefault({}),
  /** Istanbul/V8 `json-summary` (jest `--coverage --coverageReporters=json-summary`, c8 `--reporter=json-summary`). */
  coverageSummary: z.string().min(1).default('coverage/coverage-summary.json'),
  /** Istanbul `json` (coverage-final.json): needed for line coverage of new code only. */
  coverageFinal: z.string().min(1).default('coverage/coverage-final.json'),
  /** Functions above this cognitive complexity count against the complexity sub-score (SonarQube's default: 15). */
  complexityLimit: z.number().int().min(1).default(15),
  /** Paths the code measurements look at (regular expression over repository-relative paths). */
  sourcePattern: z
    .string()
    .min(1)
    .default(String.raw`\.[cm]?[jt]sx?$`),
  /** Where the ratchet keeps its baseline. */
  baselineFile: z.string().min(1).default('.buildrunner/quality-baseline.json'),
  /** Run `tsc` for type errors when the repository has a tsconfig.json. */
  typecheck: z.boolean().default(true),
});
export type QualityConfig = z.output<typeof qualitySchema>;
