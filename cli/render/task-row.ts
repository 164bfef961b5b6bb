import type { RemainingForecast, TaskStatus, TaskStep } from '../../services/build-status';
import type { StepRetry } from '../../services/task-step';
import { shownAttempt, shownModel } from '../../services/watch-events';
import { formatDuration, formatUsd, printable } from './format';

/** One task as one line, fitted to the terminal: what it is, on which model, for how long, doing what. */

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

function inTime(until: number, now: number): string {
  return until > now ? `${clock(until)} (in ${formatDuration(until - now)})` : `${clock(until)} (due)`;
}

export function stepText(step: TaskStep, now: number, parallel?: number): string {
  switch (step.kind) {
    case 'agent':
      return step.maxTurns
        ? `agent turn ${Math.min(step.turn + 1, step.maxTurns)}/${step.maxTurns}${step.tool ? ` · ${step.tool}` : ''}`
        : 'agent';
    case 'preparing':
      return 'preparing worktree';
    case 'committing':
      return 'committing (hooks)';
    case 'verifying':
      return 'verifying';
    case 'quality-gate':
      return 'quality gate';
    case 'merging':
      return 'merging';
    case 'cleaning-up':
      return 'cleaning up';
    case 'recording':
      return 'recording';
    case 'database-wait': {
      const since = step.since ? ` since ${clock(step.since)}` : '';
      const rows = step.unwrittenRows ? `; ${step.unwrittenRows} cost row(s) kept until it is back` : '';
      return step.during === 'agent'
        ? `waiting for the database${since}${rows}`
        : `waiting for the database${since} to record`;
    }
    case 'reserving':
      return 'waiting for a budget reservation';
    case 'api-wait':
      return `waiting for the API (${step.failureClass}), next probe ${inTime(step.until, now)}`;
    case 'retry-wait':
      return `retry${step.failureClass ? ` after ${step.failureClass}` : ''} at ${inTime(step.until, now)}`;
    case 'starting':
      return 'starting';
    case 'waiting-on':
      return `waits on ${step.tasks.join(', ')}`;
    case 'queued':
      return step.why === 'paused'
        ? 'ready; build paused'
        : step.why === 'budget'
          ? 'ready; budget spent'
          : `ready; waiting for a free slot${parallel ? ` (parallel ${parallel})` : ''}`;
  }
}

function retryText(retry: StepRetry | undefined, now: number): string {
  if (!retry) return '';
  const next = retry.nextAt ? `, next ${inTime(retry.nextAt, now)}` : '';
  return ` (step retry ${retry.attempt}${next}${retry.error ? `: ${retry.error}` : ''})`;
}

export function elapsedOf(t: TaskStatus, now: number): number | undefined {
  const start = t.now?.startedAt ?? t.startedAt;
  if (start === undefined || t.state === 'PENDING') return undefined;
  return (t.finishedAt ?? now) - start;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return '';
  if (chars.length <= width) return text.padEnd(width + text.length - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export interface RowLayout {
  width: number;
  idWidth: number;
  modelWidth: number;
  /** The longest title among the rows shown, so titles line up. */
  titleMax: number;
  /** Narrow terminals: model ids without their `claude-` prefix. */
  shortModels?: boolean;
  now: number;
  parallel?: number;
}

export interface RowCells {
  state: string;
  id: string;
  title: string;
  model: string;
  attempt: string;
  elapsed: string;
  cost: string;
  step: string;
}

const GAP = 2;

export function shortModel(model: string | undefined): string {
  return (model ?? '').replace(/^claude-/, '');
}

/** Plain cells of one row, each already cut to its column; the step takes what is left of the width. */
export function rowCells(t: TaskStatus, layout: RowLayout): RowCells {
  const model = shownModel(t);
  const attempt = shownAttempt(t);
  const elapsed = elapsedOf(t, layout.now);
  const step = t.now
    ? stepText(t.now.step, layout.now, layout.parallel) + retryText(t.now.retry, layout.now)
    : (t.failureClass ?? '');
  const costWidth = layout.width >= 100 ? 9 + GAP : 0;
  const fixed = 9 + 1 + layout.idWidth + GAP + layout.modelWidth + GAP + 6 + GAP + 6 + GAP + costWidth;
  const rest = layout.width - fixed;
  // The step keeps 30 columns when it can; the title gets up to 45 % of the rest, 10 columns at least,
  // down to 6 on a very narrow terminal, where the step still shows its first 8.
  const titleWidth = Math.min(
    layout.titleMax,
    Math.max(Math.min(10, Math.max(6, rest - GAP - 8)), Math.min(Math.floor(rest * 0.45), rest - GAP - 30)),
  );
  const stepWidth = Math.max(0, rest - titleWidth - GAP);
  return {
    state: t.state.padEnd(9),
    id: fit(printable(t.id), layout.idWidth),
    title: fit(printable(t.title), titleWidth),
    model: fit(printable(layout.shortModels ? shortModel(model) : (model ?? '')), layout.modelWidth),
    attempt: (attempt ? `try ${attempt}` : '').padEnd(6),
    elapsed: (elapsed === undefined ? '' : formatDuration(elapsed)).padStart(6),
    // Below 100 columns the cost goes: the header carries the total.
    cost: costWidth ? (t.state === 'PENDING' ? '' : formatUsd(t.costUsd)).padStart(9) : '',
    step: fit(printable(step), stepWidth).trimEnd(),
  };
}

export function forecastText(f: RemainingForecast, now: number): string {
  const left = (ms: number) => formatDuration(Math.max(0, f.at + ms - now));
  const range = (a: string, b: string) => (a === b ? a : `${a}–${b}`);
  return (
    `ETA ${range(left(f.remainingMs.p50), left(f.remainingMs.p90))}` +
    ` · ${range(`$${f.costUsd.p10}`, `$${f.costUsd.p90}`)} more for ${f.tasks} task${f.tasks === 1 ? '' : 's'}`
  );
}
