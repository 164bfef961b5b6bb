/**
 * What a task is doing right now, decided from what Temporal already keeps about its workflow: the
 * pending activity (with the agent's heartbeat details) and the newest events of its history. Pure, so
 * every case is tested without a server; services/task-reader.ts fetches the inputs.
 */
import type { AgentProgress } from '../lib/contracts';
import { saysDatabaseUnreachable } from '../lib/db/unreachable';
import type { TaskProgress } from '../workflows/core/progress';

export type TaskStep =
  | { kind: 'agent'; turn: number; maxTurns: number; tool?: string }
  | { kind: 'preparing' | 'committing' | 'verifying' | 'quality-gate' | 'merging' | 'cleaning-up' }
  | { kind: 'recording' }
  /**
   * The database cannot be reached: the agent's cost rows wait in memory (`since`, `unwrittenRows` from its
   * heartbeat), or a record step is retried until it is back.
   */
  | { kind: 'database-wait'; during: 'agent' | 'recording'; since?: number; unwrittenRows?: number }
  /** The try asked the build for a budget reservation and waits for the grant. */
  | { kind: 'reserving' }
  /** After an API failure (rate limit, overload, outage), the next try probes the API at `until`. */
  | { kind: 'api-wait'; failureClass: string; until: number }
  /** After another failure, the task waits until `until` before its next try. */
  | { kind: 'retry-wait'; failureClass?: string; until: number }
  | { kind: 'starting' }
  /** Pending: these tasks must succeed first. */
  | { kind: 'waiting-on'; tasks: string[] }
  /** Pending with its dependencies done: no free slot, the build is paused, or the budget is spent. */
  | { kind: 'queued'; why: 'slot' | 'paused' | 'budget' };

/** A step activity being retried by Temporal (e.g. a record while the database is down). */
export interface StepRetry {
  attempt: number;
  nextAt?: number;
  error?: string;
}

export interface TaskNow {
  model?: string;
  attempt?: number;
  /** Epoch ms the task started (its first try). */
  startedAt?: number;
  step: TaskStep;
  retry?: StepRetry;
}

export interface PendingStep {
  activity: string;
  heartbeat?: Partial<AgentProgress>;
  /** Temporal's attempt of this activity (1 = first). */
  attempt: number;
  nextAttemptAt?: number;
  lastFailure?: string;
}

/** A task workflow's history event, reduced to what the step needs. Newest first. */
export type RecentEvent =
  | { type: 'activity-scheduled'; activity: string; input?: unknown }
  | { type: 'activity-failed'; failureType?: string }
  | { type: 'timer-started'; until: number }
  | { type: 'timer-fired' }
  | { type: 'signal-sent'; signal: string; input?: unknown }
  | { type: 'started' }
  | { type: 'other' };

const STEP_OF: Record<string, TaskStep['kind']> = {
  prepareWorktree: 'preparing',
  runAgent: 'agent',
  commitTask: 'committing',
  verifyTask: 'verifying',
  checkQualityGate: 'quality-gate',
  mergeTask: 'merging',
  cleanupTask: 'cleaning-up',
  recordAttempt: 'recording',
  emitEvents: 'recording',
  attemptCost: 'recording',
};

/** Failures after which the next try is, first of all, a probe of the API. */
const API_FAILURES = new Set(['RATE_LIMITED', 'OVERLOADED', 'SERVER_ERROR', 'NETWORK', 'QUOTA_EXHAUSTED']);

const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The model and attempt of the try in progress (or about to start), newest event first. */
function modelAndAttempt(events: readonly RecentEvent[]): { model?: string; attempt?: number } {
  let model: string | undefined;
  let attempt: number | undefined;
  for (const e of events) {
    if (e.type === 'activity-scheduled' && e.activity === 'runAgent') {
      const input = record(e.input);
      if (typeof input?.model === 'string') model ??= input.model;
      if (typeof input?.attempt === 'number') attempt ??= input.attempt;
    } else if (e.type === 'activity-scheduled' && e.activity === 'emitEvents' && Array.isArray(e.input)) {
      // MODEL_SELECTED is emitted when the task starts and whenever a fallback changes the model.
      const selected = [...(e.input as unknown[])]
        .reverse()
        .map(record)
        .find((x) => x?.type === 'MODEL_SELECTED' && typeof x.model === 'string');
      if (selected) model ??= selected.model as string;
    } else if (e.type === 'signal-sent' && e.signal === 'requestReservation') {
      const input = record(e.input);
      if (typeof input?.attempt === 'number') attempt ??= input.attempt;
    }
    if (model !== undefined && attempt !== undefined) break;
  }
  return { ...(model ? { model } : {}), ...(attempt ? { attempt } : {}) };
}

function waitingStep(events: readonly RecentEvent[]): TaskStep {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === 'timer-started') {
      const failed = events.slice(i + 1).find((x) => x.type === 'activity-failed');
      const failureClass = failed?.type === 'activity-failed' ? failed.failureType : undefined;
      return failureClass && API_FAILURES.has(failureClass)
        ? { kind: 'api-wait', failureClass, until: e.until }
        : { kind: 'retry-wait', ...(failureClass ? { failureClass } : {}), until: e.until };
    }
    // The reservation request opens every try: nothing scheduled since means the grant is awaited.
    if (e.type === 'signal-sent' && e.signal === 'requestReservation') return { kind: 'reserving' };
    // An activity just finished and the next is not scheduled yet (a workflow task in flight).
    if (e.type === 'activity-scheduled') return stepOf(e.activity, undefined);
    if (e.type === 'timer-fired') return { kind: 'reserving' };
  }
  return { kind: 'starting' };
}

function stepOf(activity: string, hb: Partial<AgentProgress> | undefined): TaskStep {
  const kind = STEP_OF[activity] ?? 'recording';
  if (kind !== 'agent') return { kind } as TaskStep;
  return {
    kind: 'agent',
    turn: typeof hb?.turn === 'number' ? hb.turn : 0,
    maxTurns: typeof hb?.maxTurns === 'number' ? hb.maxTurns : 0,
    ...(typeof hb?.lastTool === 'string' ? { tool: hb.lastTool } : {}),
  };
}

function databaseWait(pending: PendingStep): TaskStep | undefined {
  const hb = pending.heartbeat;
  if (pending.activity === 'runAgent' && typeof hb?.databaseWaitingSince === 'string') {
    const since = Date.parse(hb.databaseWaitingSince);
    return {
      kind: 'database-wait',
      during: 'agent',
      ...(Number.isFinite(since) ? { since } : {}),
      ...(typeof hb.unwrittenRows === 'number' ? { unwrittenRows: hb.unwrittenRows } : {}),
    };
  }
  const kind = STEP_OF[pending.activity] ?? 'recording';
  if (kind === 'recording' && pending.attempt > 1 && saysDatabaseUnreachable(pending.lastFailure ?? ''))
    return { kind: 'database-wait', during: 'recording' };
  return undefined;
}

/**
 * Whether the pending activity alone tells the task's model, attempt and step: an agent's heartbeat names
 * its try (model, attempt), which is all the newest history events would add (services/task-reader.ts then
 * skips the history read).
 */
export function pendingSaysAll(pending: PendingStep | undefined): boolean {
  const hb = pending?.heartbeat;
  return (
    STEP_OF[pending?.activity ?? ''] === 'agent' &&
    typeof hb?.model === 'string' &&
    typeof hb.attempt === 'number'
  );
}

/** A running task's step, model and attempt from its pending activity and newest history events. */
export function runningTaskNow(
  pending: PendingStep | undefined,
  events: readonly RecentEvent[],
  startedAt?: number,
): TaskNow {
  const known = modelAndAttempt(events);
  const at = startedAt !== undefined ? { startedAt } : {};
  if (!pending) return { ...known, ...at, step: waitingStep(events) };
  const hb = pending.heartbeat;
  const step = databaseWait(pending) ?? stepOf(pending.activity, hb);
  const kind = STEP_OF[pending.activity];
  const model = kind === 'agent' && typeof hb?.model === 'string' ? hb.model : known.model;
  const attempt = kind === 'agent' && typeof hb?.attempt === 'number' ? hb.attempt : known.attempt;
  const retry: StepRetry | undefined =
    pending.attempt > 1
      ? {
          attempt: pending.attempt,
          ...(pending.nextAttemptAt ? { nextAt: pending.nextAttemptAt } : {}),
          ...(pending.lastFailure ? { error: pending.lastFailure.split('\n')[0]!.slice(0, 200) } : {}),
        }
      : undefined;
  return {
    ...(model ? { model } : {}),
    ...(attempt ? { attempt } : {}),
    ...at,
    step,
    ...(retry ? { retry } : {}),
  };
}

/** What a pending task waits for: unfinished dependencies first, else why it has not started. */
export function pendingTaskNow(
  task: TaskProgress,
  byId: ReadonlyMap<string, TaskProgress>,
  build: { paused: boolean; breakerOpen: boolean },
): TaskNow {
  const open = (task.dependsOn ?? []).filter((d) => byId.get(d)?.state !== 'SUCCEEDED');
  if (open.length) return { step: { kind: 'waiting-on', tasks: open } };
  const why = build.paused ? 'paused' : build.breakerOpen ? 'budget' : 'slot';
  return { step: { kind: 'queued', why } };
}
