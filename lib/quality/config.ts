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

/** Sub-scores a task's gate can measure: gap analysis is about the whole spec, never one task's change. */
export type GateMeasure = Exclude<SubScoreName, 'gaps'>;
export const GATE_MEASURES = SUB_SCORES.filter((s): s is GateMeasure => s !== 'gaps');
/**
 * What a gate measures unless told otherwise: the checks that take seconds on a task's changed files.
 * Tests and coverage come from report files the verify command may write, so they are opt-in.
 */
export const DEFAULT_GATE_MEASURES: GateMeasure[] = [
  'typeErrors',
  'lintErrors',
  'complexity',
  'duplication',
  'secrets',
];

const gateMeasure = z.enum(GATE_MEASURES as [GateMeasure, ...GateMeasure[]]);

/**
 * `quality.gate`: checked on every task's change (the lines changed since the task's base commit)
 * before its merge. A failing gate is fed back to the agent like a hook rejection.
 */
export const gateSchema = z
  .strictObject({
    /** The weighted score of the measured sub-scores must reach this (0 turns the score condition off). */
    threshold: z.number().min(0).max(100).optional(),
    /** Minimum score per sub-score, each a condition of its own (Sonar way style). */
    require: z.partialRecord(gateMeasure, z.number().min(0).max(100)).default({}),
    measure: z.array(gateMeasure).min(1).default(DEFAULT_GATE_MEASURES),
    timeoutSeconds: z.number().int().min(10).max(3600).default(300),
  })
  .superRefine((g, ctx) => {
    for (const name of Object.keys(g.require))
      if (!g.measure.includes(name as GateMeasure))
        ctx.addIssue({
          code: 'custom',
          path: ['require', name],
          message: `"${name}" is required but not measured: add it to quality.gate.measure`,
        });
  });
export type QualityGateConfig = z.output<typeof gateSchema>;

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
  /** Off unless present: the gate each task's change passes before its merge. */
  gate: gateSchema.optional(),
});
export type QualityConfig = z.output<typeof qualitySchema>;
