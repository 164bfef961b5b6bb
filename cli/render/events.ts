import type { BuildStatusReport } from '../../services/build-status';
import type { ProgressSnapshot } from '../../services/build-types';
import { statusEvents, type WatchEvent } from '../../services/watch-events';
import { failureLines } from './failure';
import { formatDuration, formatUsd, printable } from './format';
import { forecastText, stepText } from './task-row';

/** A watch's log when its output is not a terminal: one plain line per event, oldest first. */

function stamp(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

const titled = (id: string, title: string) => (title && title !== id ? ` — ${title}` : '');

export function eventLines(e: WatchEvent, now: number = e.at): string[] {
  return rawEventLines(e, now).map(printable);
}

function rawEventLines(e: WatchEvent, now: number): string[] {
  const t = stamp(e.at);
  switch (e.type) {
    case 'build':
      return [`${t} build ${e.buildId} ${e.status}${e.paused ? ' (paused)' : ''}`];
    case 'task': {
      const detail = [
        e.model ? `model=${e.model}` : null,
        e.attempt ? `attempt=${e.attempt}` : null,
        e.costUsd !== undefined ? `cost=${formatUsd(e.costUsd)}` : null,
        e.failureClass ? `failure=${e.failureClass}` : null,
        e.step ? stepText(e.step, now) : null,
      ].filter(Boolean);
      return [
        `${t} task ${e.id} ${e.state}${detail.length ? ` ${detail.join(' ')}` : ''}${titled(e.id, e.title)}`,
        ...(e.hint ? [`${t}   hint: ${e.hint}`] : []),
      ];
    }
    case 'step':
      return [`${t} step ${e.id} ${stepText(e.step, now)}`];
    case 'forecast':
      return [`${t} forecast ${forecastText(e.forecast, e.at)}`];
    case 'budget-alert':
      return [
        `${t} budget ${Math.round(e.threshold * 100)}% reached: ${formatUsd(e.spentUsd)} of ${formatUsd(e.budgetUsd)}`,
      ];
    case 'done':
      return [
        `${t} done ${e.status} cost=${formatUsd(e.costUsd)} elapsed=${formatDuration(e.elapsedMs)}`,
        ...(e.failure ? failureLines(e.failure, `${t}   `) : []),
      ];
  }
}

function asReport(s: ProgressSnapshot | BuildStatusReport): BuildStatusReport {
  return 'forecast' in s ? s : { ...s, webUiUrl: null, forecast: null };
}

/** The log lines between two readings, stamped with the later reading's time. */
export function diffEvents(
  prev: ProgressSnapshot | BuildStatusReport | null,
  next: ProgressSnapshot | BuildStatusReport,
): string[] {
  return statusEvents(prev && asReport(prev), asReport(next), next.now).flatMap((e) => eventLines(e));
}
