/**
 * The events between two readings of a build (services/build-status.ts), in a stable order: build
 * status, tasks (state changes, then step changes), forecast, budget alerts, and the outcome. Data for
 * `br build watch --json` (one JSON object per line) and, rendered as text, the log of a watch whose
 * output is not a terminal.
 */
import { hintFor, type ExplainedFailure } from '../lib/failure-hints';
import type { BuildStatus, TaskProgress } from '../workflows/core/progress';
import type { BuildStatusReport, RemainingForecast, TaskStatus, TaskStep } from './build-status';

const TERMINAL: readonly BuildStatus[] = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED'];

export type WatchEvent =
  | {
      type: 'build';
      at: number;
      buildId: string;
      status: BuildStatus;
      paused: boolean;
      webUiUrl: string | null;
    }
  | {
      type: 'task';
      at: number;
      id: string;
      title: string;
      state: TaskProgress['state'];
      model?: string;
      attempt?: number;
      costUsd?: string;
      failureClass?: string;
      hint?: string;
      /** Pending tasks: what they wait for. */
      step?: TaskStep;
    }
  | { type: 'step'; at: number; id: string; title: string; model?: string; attempt?: number; step: TaskStep }
  | { type: 'forecast'; at: number; forecast: RemainingForecast }
  | { type: 'budget-alert'; at: number; threshold: number; spentUsd: string; budgetUsd: string }
  | {
      type: 'done';
      at: number;
      buildId: string;
      status: BuildStatus;
      costUsd: string;
      elapsedMs: number;
      failure?: ExplainedFailure;
    };

/** The model and attempt a reader should show: the live ones of a running try, else the snapshot's. */
export function shownModel(t: TaskStatus): string | undefined {
  return t.now?.model ?? t.model;
}

export function shownAttempt(t: TaskStatus): number | undefined {
  return t.now?.attempt ?? (t.attempts || undefined);
}

/** Two steps that read the same in a log: turn counts and tools are left out, the kind of work is not. */
function stepKey(step: TaskStep | undefined): string {
  if (!step) return '';
  if (step.kind === 'waiting-on') return `waiting-on:${step.tasks.join(',')}`;
  if (step.kind === 'queued') return `queued:${step.why}`;
  if (step.kind === 'api-wait' || step.kind === 'retry-wait') return `${step.kind}:${step.until}`;
  return step.kind;
}

export function statusEvents(
  prev: BuildStatusReport | null,
  next: BuildStatusReport,
  at: number,
): WatchEvent[] {
  const events: WatchEvent[] = [];
  if (!prev || prev.status !== next.status || prev.paused !== next.paused)
    events.push({
      type: 'build',
      at,
      buildId: next.buildId,
      status: next.status,
      paused: next.paused,
      webUiUrl: next.webUiUrl,
    });
  const before = new Map((prev?.tasks ?? []).map((t) => [t.id, t]));
  const tasks = [...next.tasks].sort((a, b) => a.id.localeCompare(b.id));
  for (const t of tasks) {
    const old = before.get(t.id);
    // A pending task is news once its wait changes; at first sight the RUNNING ones say enough.
    if (!old && t.state === 'PENDING') continue;
    const changed =
      !old ||
      old.state !== t.state ||
      shownAttempt(old) !== shownAttempt(t) ||
      shownModel(old) !== shownModel(t) ||
      (t.state === 'PENDING' && stepKey(old.now?.step) !== stepKey(t.now?.step));
    if (!changed) continue;
    const model = shownModel(t);
    const attempt = shownAttempt(t);
    const hint = t.hint ?? hintFor(t.failureClass);
    const ended = t.state !== 'PENDING' && t.state !== 'RUNNING';
    events.push({
      type: 'task',
      at,
      id: t.id,
      title: t.title,
      state: t.state,
      ...(model ? { model } : {}),
      ...(attempt ? { attempt } : {}),
      ...(ended ? { costUsd: t.costUsd } : {}),
      ...(t.failureClass ? { failureClass: t.failureClass } : {}),
      ...(t.state === 'FAILED' && old?.state !== 'FAILED' && hint ? { hint } : {}),
      ...(t.state === 'PENDING' && t.now ? { step: t.now.step } : {}),
    });
  }
  for (const t of tasks) {
    if (t.state !== 'RUNNING' || !t.now) continue;
    const old = before.get(t.id);
    if (old?.state === 'RUNNING' && stepKey(old.now?.step) === stepKey(t.now.step)) continue;
    const model = shownModel(t);
    const attempt = shownAttempt(t);
    events.push({
      type: 'step',
      at,
      id: t.id,
      title: t.title,
      ...(model ? { model } : {}),
      ...(attempt ? { attempt } : {}),
      step: t.now.step,
    });
  }
  if (next.forecast && next.forecast.at !== prev?.forecast?.at)
    events.push({ type: 'forecast', at, forecast: next.forecast });
  const seen = new Set((prev?.alerts ?? []).map((a) => a.threshold));
  for (const a of next.alerts)
    if (!seen.has(a.threshold))
      events.push({
        type: 'budget-alert',
        at,
        threshold: a.threshold,
        spentUsd: a.spentUsd,
        budgetUsd: a.budgetUsd,
      });
  if (TERMINAL.includes(next.status) && (!prev || !TERMINAL.includes(prev.status)))
    events.push({
      type: 'done',
      at,
      buildId: next.buildId,
      status: next.status,
      costUsd: next.budget.spentUsd,
      elapsedMs: next.elapsedMs,
      ...(next.failure ? { failure: next.failure } : {}),
    });
  return events;
}
