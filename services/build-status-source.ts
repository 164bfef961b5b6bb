import type { BuildStatus, ProgressSnapshot } from './build-types';
import type { BuildShape } from './forecast';
import type { TaskNow } from './task-step';

/** Where a status session reads a build from: Temporal (gRPC or HTTP), the database, another backend. */
export interface StatusSource {
  progress(): Promise<ProgressSnapshot & { webUiUrl: string | null }>;
  running(taskId: string): Promise<TaskNow | undefined>;
  shape(): Promise<BuildShape | null>;
  close(): Promise<void>;
}

const TERMINAL = new Set<BuildStatus>(['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED']);

export function isFinished(status: BuildStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * A progress query's answer as a read shows it: a query sees the workflow's clock, which stands still
 * between its activations, so elapsed time and waits are measured on this clock while the build runs.
 */
export function liveProgress(p: ProgressSnapshot): ProgressSnapshot {
  const now = isFinished(p.status) ? p.now : Date.now();
  return { ...p, now, elapsedMs: now - p.startedAt };
}
