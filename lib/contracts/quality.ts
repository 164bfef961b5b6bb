/** The quality gate a task's change passes before its merge (quality.gate): settings and activity input. */
import type { GateMeasure, SubScoreName } from '../quality/config';
import type { RemoteTask } from './git';

/**
 * Everything the gate needs, resolved from the config when the build starts, so every task of a build
 * is judged by the same rules (and none by a config file the agent edited in its worktree).
 */
export interface QualityGateSettings {
  /** The weighted score of the measured sub-scores must reach this; 0 means no score condition. */
  threshold: number;
  /** Minimum score per sub-score. */
  require: Partial<Record<GateMeasure, number>>;
  measure: GateMeasure[];
  timeoutSeconds: number;
  weights: Record<SubScoreName, number>;
  complexityLimit: number;
  sourcePattern: string;
  typecheck: boolean;
  coverageSummary: string;
  coverageFinal: string;
  /** jest-style JSON results, read when `tests` is measured. */
  testResults: string;
}

export interface CheckQualityGateInput {
  worktreePath: string;
  /** The task's base commit: the gate scores only the lines changed since it. */
  baseCommit: string;
  taskId: string;
  gate: QualityGateSettings;
  /** A remote build: the worker measures its own worktree of the task, made from the remote. */
  remote?: RemoteTask;
}
