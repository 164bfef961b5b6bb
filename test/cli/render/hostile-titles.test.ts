import { diffEvents } from '../../../cli/render/events';
import { renderFrame } from '../../../cli/render/progress';
import type { TaskStatus } from '../../../services/build-status';
import type { ProgressSnapshot } from '../../../workflows/core/progress';

/**
 * Task titles, ids, tool names and retry errors come from specs, plans and the agent: text nobody
 * vetted. On a terminal they must show as text, never act as escape sequences or break lines.
 */

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
// Sets the window title, clears the screen, moves the cursor home, rings; then a forged log line.
const HOSTILE = `Evil${ESC}]0;pwned${BEL}${ESC}[2J${ESC}[H\rgone\nforged line\u009b31m${String.fromCharCode(8)}`;

function snapshot(tasks: TaskStatus[]): ProgressSnapshot {
  const counts = { PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0 };
  for (const t of tasks) counts[t.state] += 1;
  return {
    buildId: 'build-hostile-1a2b3c4d',
    status: 'RUNNING',
    paused: false,
    tasks,
    counts,
    budget: {
      limitUsd: '5',
      spentUsd: '0',
      reservedUsd: '0',
      leftUsd: '5',
      fractionUsed: 0,
      breaker: 'closed',
    },
    startedAt: T0,
    now: T0 + 5_000,
    elapsedMs: 5_000,
    alerts: [],
    generation: 0,
  };
}

const hostileTask = (state: TaskStatus['state']): TaskStatus => ({
  id: 't01',
  title: HOSTILE,
  state,
  attempts: 1,
  costUsd: '0',
  startedAt: T0,
  now: {
    step: { kind: 'agent', turn: 1, maxTurns: 10, tool: `Bash${ESC}[2J` },
    startedAt: T0,
    retry: { attempt: 2, error: `boom${ESC}]8;;http://x${BEL}\nline2` },
  },
});

/** Any C0 control but the newline between lines, DEL, or C1 control (8-bit CSI/OSC). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('hostile text in the watch view', () => {
  it('renders no control characters from a title, tool name or error in the terminal frame', () => {
    for (const width of [60, 160]) {
      const frame = renderFrame(snapshot([hostileTask('RUNNING')]), { color: false, width });
      expect(frame).not.toMatch(CONTROL);
      // One header block, a blank line and exactly one row: the title's newline did not add a row.
      const rows = frame.split('\n').filter((l) => l.includes('t01'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain('Evil');
    }
  });

  it('writes no control characters and no forged lines to the plain event log', () => {
    const lines = diffEvents(null, snapshot([hostileTask('RUNNING')]));
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines.some((l) => l.startsWith('forged line'))).toBe(false);
    expect(lines.join('\n')).toContain('Evil');
  });
});
