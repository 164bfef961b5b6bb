/** The traceability evidence `br gaps analyze` reads, and the report it gives. Pure data, JSON-safe. */
import type { Requirement } from '../requirements';

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

export type GapKind =
  | 'requirement-without-task'
  | 'task-done-without-merge'
  | 'requirement-untested'
  | 'requirement-test-failing'
  | 'test-unknown-requirement'
  | 'feature-complete-without-evidence'
  | 'vague-requirement';

export const GAP_SEVERITY: Record<GapKind, Severity> = {
  'requirement-without-task': 'high',
  'task-done-without-merge': 'high',
  'requirement-untested': 'high',
  'requirement-test-failing': 'high',
  'feature-complete-without-evidence': 'high',
  'test-unknown-requirement': 'medium',
  'vague-requirement': 'low',
};

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'not-run';

export interface TaskEvidence {
  id: string;
  title: string;
  requirementIds: string[];
  features: string[];
  /** The build's task state (SUCCEEDED, FAILED, …); null when no build is analysed. */
  status: string | null;
  mergeCommit: string | null;
  /** Files the merge changed on the build branch; null when the commit is missing or not on the branch. */
  mergedFiles: string[] | null;
  /** Paths the plan expected the task to touch. */
  files: string[];
}

export interface TestCitation {
  file: string;
  name: string;
  line: number;
  requirementIds: string[];
  status: TestStatus;
}

export interface FeatureClaim {
  id: string;
  title?: string;
  status: string;
}

export interface GapInput {
  specPath: string;
  build: { id: string; branch: string } | null;
  requirements: Requirement[];
  tasks: TaskEvidence[];
  tests: TestCitation[];
  features: FeatureClaim[];
  /** Where test results came from, or null when no results file was found. */
  resultsFile: string | null;
}

export interface GapFinding {
  kind: GapKind;
  severity: Severity;
  message: string;
  requirementId?: string;
  taskId?: string;
  featureId?: string;
  test?: { file: string; name: string; line: number };
}

export type RequirementState = 'verified' | 'failing' | 'untested' | 'no-task' | 'open';

export interface MatrixRow {
  requirement: { id: string; text: string; kind: string; feature: string; line: number };
  tasks: { id: string; status: string | null; mergeCommit: string | null; merged: boolean }[];
  tests: { file: string; name: string; status: TestStatus }[];
  state: RequirementState;
}

export interface GapReport {
  spec: string;
  build: { id: string; branch: string } | null;
  resultsFile: string | null;
  counts: { requirements: number; tasks: number; tests: number; high: number; medium: number; low: number };
  matrix: MatrixRow[];
  findings: GapFinding[];
  /** 0 no findings, else the highest severity: 1 low, 2 medium, 3 high. */
  exitCode: number;
}

/**
 * What a finished build's summary carries about its gaps (its record, `br build status`, its pull
 * request's body): the headline and the high findings.
 */
export interface SummaryGaps {
  headline: string;
  counts?: GapReport['counts'];
  high?: { kind: string; message: string; requirementId?: string; taskId?: string }[];
  error?: string;
}
