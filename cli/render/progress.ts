import pc from 'picocolors';
import { hintFor } from '../../lib/failure-hints';
import { formatUsd } from '../../lib/usd';
import type { BuildStatus, ProgressSnapshot, TaskProgress } from '../../services/build-types';
import { failureLines } from './failure';

/**
 * How a build's progress looks: a redrawn frame on a terminal, ordered line events elsewhere.
 * Pure functions of snapshots, so both are tested without a terminal.
 */

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

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
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
}

export function renderFrame(s: ProgressSnapshot, options: RenderOptions): string {
  const c = options.color ? pc : pc.createColors(false);
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
  const lines = [
    `${c.bold(s.buildId)}  ${stateColor(s.status)(s.status)}${s.paused ? c.yellow(' (paused)') : ''}  ${formatDuration(s.elapsedMs)}`,
    `budget ${budgetColor(bar(fraction, 20))} ${formatUsd(s.budget.spentUsd)} of ${formatUsd(s.budget.limitUsd)}` +
      ` (${Math.round(fraction * 100)}%), ${formatUsd(s.budget.leftUsd)} left` +
      (s.budget.breaker !== 'closed' ? c.red(`  breaker: ${s.budget.breaker}`) : ''),
    Object.entries<number>(s.counts)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => stateColor(state)(`${state.toLowerCase()} ${n}`))
      .join('  '),
    ...(s.failure ? failureLines(s.failure).map((l) => c.red(l)) : []),
    '',
  ];
  const tasks = [...s.tasks].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.id.localeCompare(b.id),
  );
  const shown = tasks.slice(0, options.maxRows ?? 20);
  const idWidth = Math.min(32, Math.max(4, ...shown.map((t) => t.id.length)));
  for (const t of shown) {
    lines.push(
      `${stateColor(t.state)(t.state.padEnd(9))} ${t.id.padEnd(idWidth).slice(0, idWidth)}  ${(t.model ?? '-').padEnd(18)}` +
        ` try ${t.attempts}  ${formatUsd(t.costUsd).padStart(9)}${t.failureClass ? c.red(`  ${t.failureClass}`) : ''}`,
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

function stamp(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** The line events between two snapshots, in a stable order: build status, tasks, then alerts. */
export function diffEvents(prev: ProgressSnapshot | null, next: ProgressSnapshot): string[] {
  const t = stamp(next.now);
  const events: string[] = [];
  if (!prev || prev.status !== next.status || prev.paused !== next.paused) {
    events.push(`${t} build ${next.buildId} ${next.status}${next.paused ? ' (paused)' : ''}`);
  }
  const before = new Map((prev?.tasks ?? []).map((task) => [task.id, task]));
  for (const task of [...next.tasks].sort((a, b) => a.id.localeCompare(b.id))) {
    const old = before.get(task.id);
    if (old && old.state === task.state && old.attempts === task.attempts && old.model === task.model)
      continue;
    if (!old && task.state === 'PENDING') continue;
    const detail = [
      task.model ? `model=${task.model}` : null,
      task.attempts ? `attempt=${task.attempts}` : null,
      task.state !== 'PENDING' && task.state !== 'RUNNING' ? `cost=${formatUsd(task.costUsd)}` : null,
      task.failureClass ? `failure=${task.failureClass}` : null,
    ].filter(Boolean);
    events.push(`${t} task ${task.id} ${task.state}${detail.length ? ` ${detail.join(' ')}` : ''}`);
    const hint = task.state === 'FAILED' && old?.state !== 'FAILED' ? hintFor(task.failureClass) : undefined;
    if (hint) events.push(`${t}   hint: ${hint}`);
  }
  const seen = new Set((prev?.alerts ?? []).map((a) => a.threshold));
  for (const alert of next.alerts) {
    if (!seen.has(alert.threshold)) {
      events.push(
        `${t} budget ${Math.round(alert.threshold * 100)}% reached: ${formatUsd(alert.spentUsd)} of ${formatUsd(alert.budgetUsd)}`,
      );
    }
  }
  if (isTerminal(next.status) && (!prev || !isTerminal(prev.status))) {
    events.push(
      `${t} done ${next.status} cost=${formatUsd(next.budget.spentUsd)} elapsed=${formatDuration(next.elapsedMs)}`,
    );
    if (next.failure) events.push(...failureLines(next.failure, `${t}   `));
  }
  return events;
}
