import { FAILURE_CATALOG } from '../../../lib/failure-hints';
import { diffEvents, EXIT_CODES, isTerminal, renderFrame } from '../../../cli/render/progress';
import { watchProgress } from '../../../services/watch';
import type { ProgressSnapshot, TaskProgress } from '../../../workflows/core/progress';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

function snapshot(overrides: Partial<ProgressSnapshot>, tasks: TaskProgress[]): ProgressSnapshot {
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

const task = (id: string, state: TaskProgress['state'], extra: Partial<TaskProgress> = {}): TaskProgress => ({
  id,
  title: id,
  state,
  attempts: 0,
  costUsd: '0',
  ...extra,
});

describe('build progress rendering', () => {
  it('draws a frame with status, budget, counts and tasks, running first', () => {
    const frame = renderFrame(
      snapshot({}, [
        task('delete-todos-1', 'SUCCEEDED', { model: 'claude-haiku-5-5', attempts: 1, costUsd: '0.0312' }),
        task('complete-todos-1', 'RUNNING', { model: 'claude-sonnet-5-5', attempts: 2, costUsd: '0.41' }),
        task('due-dates-1', 'PENDING'),
      ]),
      { color: false },
    );
    expect(frame).toMatchInlineSnapshot(`
"build-todo-api-1a2b3c4d  RUNNING  1m35s
budget █████░░░░░░░░░░░░░░░ $1.25 of $5.00 (25%), $3.25 left
pending 1  running 1  succeeded 1

RUNNING   complete-todos-1  claude-sonnet-5-5  try 2    $0.4100
PENDING   due-dates-1       -                  try 0    $0.0000
SUCCEEDED delete-todos-1    claude-haiku-5-5   try 1    $0.0312"
`);
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
