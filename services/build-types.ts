import type { RuntimeContext } from '../lib/config';
import type { ExplainedFailure } from '../lib/failure-hints';
import type { ProgressSnapshot } from '../workflows/core/progress';
import type { BuildWorkflowInput } from '../workflows/core/types';
import type { SteeringState } from '../workflows/messages';
import type { StartBuildOptions } from './build-input';

/** What the build services return: typed data for the CLI's `--json`, and for every later front end. */
export type { BuildStatus, ProgressSnapshot, TaskProgress } from '../workflows/core/progress';

export interface StartedBuild {
  buildId: string;
  workflowId: string;
  runId: string;
  /** True when the same build was already running and this call attached to it. */
  attached: boolean;
  /** The same build had already ended, and no rebuild was asked for: nothing was started. */
  ended?: EndedBuild;
  webUiUrl: string | null;
  input: BuildWorkflowInput;
  /** Problems that do not stop the start, e.g. no worker polls the task queue (code, message, hint). */
  warnings?: ExplainedFailure[];
}

export interface EndedBuild {
  /** Temporal's execution status: COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  status: string;
  /** The build's own outcome (SUCCEEDED, PARTIAL, FAILED, …), else Temporal's status. */
  outcome: string;
  closedAt: string | null;
}

/** A build as a start sees it: running, or ended with its outcome; null when there is none. */
export type BuildNow = 'running' | EndedBuild;

export interface BuildListEntry {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, CONTINUED_AS_NEW, TIMED_OUT. */
  status: string;
  /** The build's own outcome once it finished (SUCCEEDED, PARTIAL, …), from the memo. */
  outcome: string | null;
  project: string | null;
  startTime: string;
  closeTime: string | null;
  webUiUrl: string | null;
}

export type BuildAction = 'pause' | 'resume' | 'cancel';

export interface BuildLogLine {
  eventId: number;
  time: string;
  /** e.g. ACTIVITY_TASK_SCHEDULED, CHILD_WORKFLOW_EXECUTION_COMPLETED. */
  type: string;
  detail: string;
  /** The failure's class, on an event that records one (an activity or task that failed). */
  failureClass?: string;
  /** What to do next about that failure (lib/failure-hints.ts). */
  hint?: string;
}

/**
 * What `br build …` needs from wherever builds run. Real builds always run on Temporal
 * (`temporalBuilds`); tests swap in the in-process simulation so the commands can be exercised
 * end to end without a server.
 */
export interface BuildBackend {
  start(ctx: RuntimeContext, options: StartBuildOptions): Promise<StartedBuild>;
  progress(ctx: RuntimeContext, id: string): Promise<ProgressSnapshot & { webUiUrl: string | null }>;
  list(
    ctx: RuntimeContext,
    filter: { status?: string; project?: string; limit?: number },
  ): Promise<BuildListEntry[]>;
  signal(
    ctx: RuntimeContext,
    id: string,
    action: BuildAction,
    reason?: string,
  ): Promise<{ workflowId: string; action: BuildAction; webUiUrl: string | null; state?: SteeringState }>;
  raiseBudget(
    ctx: RuntimeContext,
    id: string,
    usd: string,
  ): Promise<{ workflowId: string; raisedUsd: string; webUiUrl: string | null; state?: SteeringState }>;
  logs(ctx: RuntimeContext, id: string, options: { task?: string }): Promise<BuildLogLine[]>;
  /** Whether the build runs or how it ended; null when there is no such build. Optional for test fakes that never start. */
  lookup?(ctx: RuntimeContext, id: string): Promise<BuildNow | null>;
}
