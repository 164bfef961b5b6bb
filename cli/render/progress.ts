import pc from 'picocolors';
import { hintFor } from '../../lib/failure-hints';
import type { BuildStatusReport, TaskStatus } from '../../services/build-status';
import type { BuildStatus, ProgressSnapshot, TaskProgress } from '../../services/build-types';
import { approvalLines, deliveryLines } from './approval';
import { failureLines } from './failure';
import { formatDuration, formatUsd, printable } from './format';
import { forecastText, rowCells, shortModel } from './task-row';

/**
 * How a build looks on a terminal: a frame (header with ETA and cost still to come, one row per task
 * fitted to the width), redrawn in place by `br build watch` and printed once by `br build status`.
 * Pure functions of a reading, so they are tested without a terminal.
 */

export { formatDuration, formatUsd } from './format';

export const TERMINAL_STATUSES: readonly BuildStatus[] = [
  'SUCCEEDED',
  'PARTIAL',
  'FAILED',
  'CANCELLED',
  'BUDGET_EXHAUSTED',
];

/** Exit codes of `br build watch` / `start --watch`: the build's outcome. */
export const EXIT_CODES: Record<string, number> = {
  SUCCEEDED: 0,
  FAILED: 1,
  PARTIAL: 2,
  BUDGET_EXHAUSTED: 3,
  CANCELLED: 4,
};

export function isTerminal(status: BuildStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

const STATE_ORDER: Record<TaskProgress['state'], number> = {
  RUNNING: 0,
  FAILED: 1,
  BLOCKED: 2,
  PENDING: 3,
  CANCELLED: 4,
  SUCCEEDED: 5,
};

export interface RenderOptions {
  color: boolean;
  /** At most this many task rows (the rest are summarised). */
  maxRows?: number;
  /** The terminal's columns; rows are cut to fit (default 120). */
  width?: number;
}

/** A progress snapshot or a full status reading: both render, the second with steps and a forecast. */
export type Renderable = ProgressSnapshot | BuildStatusReport;

export function renderFrame(s: Renderable, options: RenderOptions): string {
  const c = options.color ? pc : pc.createColors(false);
  const now = s.now;
  const width = Math.max(40, options.width ?? 120);
  const stateColor = (state: string) =>
    state === 'SUCCEEDED'
      ? c.green
      : state === 'FAILED' || state === 'BLOCKED'
        ? c.red
        : state === 'RUNNING'
          ? c.cyan
          : c.dim;
  const fraction = s.budget.fractionUsed;
  const budgetColor = fraction >= 1 ? c.red : fraction >= 0.8 ? c.yellow : c.green;
  const report = 'forecast' in s ? s : undefined;
  const lines = [
    `${c.bold(s.buildId)}  ${stateColor(s.status)(s.status)}${s.paused ? c.yellow(' (paused)') : ''}  ${formatDuration(s.elapsedMs)}` +
      (report?.forecast && !isTerminal(s.status) ? `  ${c.bold(forecastText(report.forecast, now))}` : ''),
    `budget ${budgetColor(bar(fraction, 20))} ${formatUsd(s.budget.spentUsd)} of ${formatUsd(s.budget.limitUsd)}` +
      ` (${Math.round(fraction * 100)}%), ${formatUsd(s.budget.leftUsd)} left` +
      (s.budget.breaker !== 'closed' ? c.red(`  breaker: ${s.budget.breaker}`) : ''),
    Object.entries<number>(s.counts)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => stateColor(state)(`${state.toLowerCase()} ${n}`))
      .join('  '),
    ...(s.failure ? failureLines(s.failure).map((l) => c.red(printable(l))) : []),
    ...approvalLines(s.buildId, s.approval, now).map((l, i) => (i ? l : c.yellow(l))),
    ...deliveryLines(s.delivery),
    '',
  ];
  const tasks: TaskStatus[] = [...s.tasks].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.id.localeCompare(b.id),
  );
  const shown = tasks.slice(0, options.maxRows ?? 20);
  const narrow = width < 120;
  const layout = {
    width,
    now,
    idWidth: Math.min(16, Math.max(4, ...shown.map((t) => t.id.length))),
    modelWidth: Math.min(
      17,
      Math.max(5, ...shown.map((t) => (narrow ? shortModel : String)(t.now?.model ?? t.model ?? '').length)),
    ),
    shortModels: narrow,
    titleMax: Math.max(5, ...shown.map((t) => [...printable(t.title)].length)),
    ...(report?.parallel ? { parallel: report.parallel } : {}),
  };
  for (const t of shown) {
    const r = rowCells(t, layout);
    const step = t.failureClass && !t.now ? c.red(r.step) : c.dim(r.step);
    lines.push(
      `${stateColor(t.state)(r.state)} ${r.id}  ${r.title}  ${r.model}  ${r.attempt}  ${r.elapsed}  ${r.cost ? `${r.cost}  ` : ''}${step}`.trimEnd(),
    );
  }
  if (tasks.length > shown.length) lines.push(c.dim(`… ${tasks.length - shown.length} more`));
  // One line per failure class, not per task: what to do next about each.
  const classes = [...new Set(tasks.map((t) => t.failureClass).filter((f) => f !== undefined))].sort();
  for (const f of classes) {
    const hint = hintFor(f);
    if (hint) lines.push(`${c.red(f)}: ${hint}`);
  }
  for (const a of s.alerts) {
    lines.push(
      c.yellow(
        `! budget ${Math.round(a.threshold * 100)}% reached: ${formatUsd(a.spentUsd)} of ${formatUsd(a.budgetUsd)}`,
      ),
    );
  }
  return lines.join('\n');
}
