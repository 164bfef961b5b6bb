import { stripVTControlCharacters } from 'node:util';
import type { TelemetryEventInput } from './contracts/records';
import { redactSecrets } from './secrets/redact';

/**
 * One screen line as inert text: escape sequences go (a model-written test's output could retitle the
 * window or clear the screen), other control characters too, and key-shaped text is masked.
 */
function screenText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return stripVTControlCharacters(redactSecrets(text)).replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/**
 * The build events a person running `br dev` or `br worker` wants on screen, one line each: a build
 * started or finished, a task failed, a budget alert (the last one trips the breaker). Everything else
 * (estimates, model choices, fallbacks) stays in the database and `br build watch`.
 */
export function buildEventLine(e: TelemetryEventInput): string | null {
  const line = eventText(e);
  return line === null ? null : screenText(line);
}

function eventText(e: TelemetryEventInput): string | null {
  const d = e.data ?? {};
  const str = (k: string) => {
    const v = d[k];
    if (typeof v === 'string') return v;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  };
  switch (e.type) {
    case 'BUILD_STARTED':
      return `Build ${e.buildId} started: ${str('tasks') ?? '?'} task(s), budget $${str('budgetUsd') ?? '?'}`;
    case 'BUILD_COMPLETED':
    case 'BUILD_FAILED': {
      const spent = str('spentUsd') ? ` ($${str('spentUsd')} spent)` : '';
      return `Build ${e.buildId} finished: ${str('outcome') ?? (e.type === 'BUILD_FAILED' ? 'FAILED' : 'done')}${spent}`;
    }
    case 'BUILD_CANCELLED':
      return `Build ${e.buildId} cancelled`;
    case 'TASK_FAILED': {
      const error = redactSecrets(str('error') ?? '')
        .split('\n')[0]!
        .slice(0, 160);
      return `Build ${e.buildId}: task ${e.taskId ?? '?'} failed${e.model ? ` on ${e.model}` : ''}${error ? `: ${error}` : ''}`;
    }
    case 'BUDGET_ALERT': {
      const threshold = Number(d.threshold ?? 0);
      const spent = `$${str('spentUsd') ?? '?'} of $${str('budgetUsd') ?? '?'}`;
      return threshold >= 1
        ? `Build ${e.buildId}: budget breaker tripped (${spent}); no new tasks start`
        : `Build ${e.buildId}: ${Math.round(threshold * 100)} % of the budget spent (${spent})`;
    }
    case 'NOTIFY_FAILED':
      return `Build ${e.buildId}: notification ${str('eventType') ?? '?'} to ${str('sink') ?? '?'} failed (${str('kind') ?? '?'}): ${(str('message') ?? '').slice(0, 160)}`;
    default:
      return null;
  }
}
