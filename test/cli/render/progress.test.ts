import { FAILURE_CATALOG } from '../../../lib/failure-hints';
import { diffEvents } from '../../../cli/render/events';
import { EXIT_CODES, isTerminal, renderFrame } from '../../../cli/render/progress';
import { stepText } from '../../../cli/render/task-row';
import { watchProgress } from '../../../services/watch';
import type { BuildStatusReport, TaskStatus } from '../../../services/build-status';
import type { ProgressSnapshot } from '../../../workflows/core/progress';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

function snapshot(overrides: Partial<ProgressSnapshot>, tasks: TaskStatus[]): ProgressSnapshot {
  const counts = { PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0 };
  for (const t of tasks) counts[t.state] += 1;
  return {
    buildId: 'build-todo-api-1a2b3c4d',
    status: 'RUNNING',
    paused: false,
    tasks,
    counts,
    budget: {
      limitUsd: '5',
      spentUsd: '1.25',
      reservedUsd: '0.5',
      leftUsd: '3.25',
      fractionUsed: 0.25,
      breaker: 'closed',
    },
    startedAt: T0,
    now: T0 + 95_000,
    elapsedMs: 95_000,
    alerts: [],
    generation: 0,
    ...overrides,
  };
}

const task = (id: string, state: TaskStatus['state'], extra: Partial<TaskStatus> = {}): TaskStatus => ({
  id,
  title: id,
  state,
  attempts: 0,
  costUsd: '0',
  ...extra,
});

describe('build progress rendering', () => {
  it('draws a frame with status, ETA, budget, counts and one fitted row per task, running first', () => {
    const report: BuildStatusReport = {
      ...snapshot({}, [
        task('t01', 'SUCCEEDED', {
          title: 'Store: complete and reopen',
          model: 'claude-haiku-5-5',
          attempts: 1,
          costUsd: '0.0312',
          startedAt: T0,
          finishedAt: T0 + 64_000,
        }),
        task('t02', 'RUNNING', {
          title: 'HTTP: patch and delete a todo by its id, with validation of every field',
          attempts: 0,
          costUsd: '0.41',
          now: {
            model: 'claude-sonnet-5-5',
            attempt: 2,
            startedAt: T0 + 30_000,
            step: { kind: 'agent', turn: 2, maxTurns: 40, tool: 'edit_file' },
          },
        }),
        task('t03', 'RUNNING', {
          title: 'Errors module',
          now: {
            model: 'claude-haiku-5-5',
            attempt: 1,
            startedAt: T0 + 60_000,
            step: { kind: 'api-wait', failureClass: 'RATE_LIMITED', until: T0 + 120_000 },
          },
        }),
        task('t04', 'PENDING', {
          title: 'Docs',
          dependsOn: ['t02', 't03'],
          now: { step: { kind: 'waiting-on', tasks: ['t02', 't03'] } },
        }),
      ]),
      webUiUrl: null,
      parallel: 2,
      forecast: {
        tasks: 3,
        remainingMs: { p50: 240_000, p90: 420_000 },
        costUsd: { p10: '0.20', p90: '0.90' },
        at: T0 + 95_000,
        runs: 50,
        assumption: 'test',
      },
    };
    const frame = renderFrame(report, { color: false, width: 100 });
    expect(frame).toMatchInlineSnapshot(`
"build-todo-api-1a2b3c4d  RUNNING  1m35s  ETA 4m00s–7m00s · $0.20–$0.90 more for 3 tasks
budget █████░░░░░░░░░░░░░░░ $1.25 of $5.00 (25%), $3.25 left
pending 1  running 2  succeeded 1

RUNNING   t02   HTTP: patch …  sonnet-5-5  try 2    1m05s    $0.4100  agent turn 3/40 · edit_file
RUNNING   t03   Errors module  haiku-5-5   try 1    0m35s    $0.0000  waiting for the API (RATE_LIM…
PENDING   t04   Docs                                                  waits on t02, t03
SUCCEEDED t01   Store: compl…  haiku-5-5   try 1    1m04s    $0.0312"
`);
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    const narrow = renderFrame(report, { color: false, width: 72 });
    for (const line of narrow.split('\n').slice(4)) expect([...line].length).toBeLessThanOrEqual(72);
    expect(narrow).toContain('HTTP: pat');
    expect(narrow).toContain('agent turn');
  });

  it('emits ordered line events only for what changed, then the outcome', () => {
    const first = snapshot({}, [
      task('a', 'RUNNING', { model: 'claude-haiku-5-5', attempts: 1 }),
      task('b', 'PENDING'),
    ]);
    const second = snapshot(
      {
        now: T0 + 120_000,
        elapsedMs: 120_000,
        status: 'PARTIAL',
        alerts: [{ threshold: 0.5, spentUsd: '2.5', budgetUsd: '5', at: T0 + 100_000 }],
        budget: { ...first.budget, spentUsd: '2.5', fractionUsed: 0.5 },
      },
      [
        task('a', 'FAILED', {
          model: 'claude-sonnet-5-5',
          attempts: 3,
          costUsd: '2.5',
          failureClass: 'VERIFICATION_FAILED',
        }),
        task('b', 'BLOCKED'),
      ],
    );
    expect(diffEvents(null, first)).toEqual([
      '12:01:35 build build-todo-api-1a2b3c4d RUNNING',
      '12:01:35 task a RUNNING model=claude-haiku-5-5 attempt=1',
    ]);
    expect(diffEvents(first, first)).toEqual([]);
    expect(diffEvents(first, second)).toEqual([
      '12:02:00 build build-todo-api-1a2b3c4d PARTIAL',
      '12:02:00 task a FAILED model=claude-sonnet-5-5 attempt=3 cost=$2.50 failure=VERIFICATION_FAILED',
      `12:02:00   hint: ${FAILURE_CATALOG.VERIFICATION_FAILED.hint}`,
      '12:02:00 task b BLOCKED cost=$0.0000',
      '12:02:00 budget 50% reached: $2.50 of $5.00',
      '12:02:00 done PARTIAL cost=$2.50 elapsed=2m00s',
    ]);
  });

  it('says a task waits for the database: since when and the rows kept, or to record', () => {
    const since = T0 - 65_000;
    expect(stepText({ kind: 'database-wait', during: 'agent', since, unwrittenRows: 2 }, T0)).toBe(
      'waiting for the database since 11:58:55; 2 cost row(s) kept until it is back',
    );
    expect(stepText({ kind: 'database-wait', during: 'recording' }, T0)).toBe(
      'waiting for the database to record',
    );
  });

  it('maps every outcome to a distinct exit code, success to 0', () => {
    expect(EXIT_CODES.SUCCEEDED).toBe(0);
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(5);
  });
});

describe('watching a build', () => {
  it('polls until the build ends, riding out a transient query failure', async () => {
    const statuses = ['RUNNING', 'error', 'RUNNING', 'SUCCEEDED'] as const;
    let i = 0;
    const seen: string[] = [];
    const retries: number[] = [];
    const final = await watchProgress(
      async () => {
        const next = statuses[i++]!;
        if (next === 'error') throw new Error('worker restarting');
        return snapshot({ status: next }, []);
      },
      {
        intervalMs: 1,
        isTerminal,
        onSnapshot: (s) => seen.push(s.status),
        onRetry: (_e, n) => retries.push(n),
      },
    );
    expect(final?.status).toBe('SUCCEEDED');
    expect(seen).toEqual(['RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(retries).toEqual([1]);
  });

  it('gives up after too many consecutive failures with the last error', async () => {
    await expect(
      watchProgress(() => Promise.reject(new Error('Temporal unreachable')), {
        intervalMs: 1,
        maxFailures: 2,
        isTerminal,
        onSnapshot: () => {},
      }),
    ).rejects.toThrow('Temporal unreachable');
  });
});
