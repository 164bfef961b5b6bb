import type { RecordTaskInput } from '../../../lib/contracts';
import { Outbox } from '../../../workflows/core/outbox';
import { TaskBook } from '../../../workflows/core/task-book';
import { simulationInput } from '../../../workflows/simulation/fakes';
import { plan, task } from '../../fixtures/simulation';

function book(carried?: Parameters<typeof simulationInput>[1]) {
  const p = plan([task('a'), task('b', ['a']), task('c', ['b']), task('d')]);
  const outbox = new Outbox('b1', () => 5);
  const written: { records: RecordTaskInput[]; events: string[] } = { records: [], events: [] };
  const port = {
    activities: {
      recordTask: (r: RecordTaskInput) => Promise.resolve(void written.records.push(r)),
      emitEvents: (e: { type: string; taskId?: string }[]) =>
        Promise.resolve(void written.events.push(...e.map((x) => `${x.type} ${x.taskId}`))),
    },
  } as never;
  const input = simulationInput(p, carried);
  return { book: new TaskBook(input, p, {}, outbox, () => 5), flush: () => outbox.flush(port), written };
}

describe('the task book', () => {
  it('blocks the dependents of a failed task, with a record and a TASK_BLOCKED event each', async () => {
    const { book: b, flush, written } = book();
    expect(b.pickStartable(4)).toEqual(['a', 'd']);
    b.start('a');
    b.end('a', { taskId: 'a', outcome: 'FAILED', attempts: 2, costUsd: '0.5', error: 'hook' });
    await flush();
    expect(written.records.map((r) => [r.taskId, r.status])).toEqual([
      ['a', 'FAILED'],
      ['b', 'BLOCKED'],
      ['c', 'BLOCKED'],
    ]);
    expect(written.events).toEqual(['TASK_BLOCKED b', 'TASK_BLOCKED c']);
    expect(b.tasks.get('a')).toMatchObject({ state: 'FAILED', attempts: 2, costUsd: '0.5', error: 'hook' });
    expect(b.outcome(undefined)).toBe('FAILED');
  });

  it('counts running tasks as cancelled and abandons pending ones when the build fails late', async () => {
    const { book: b, flush, written } = book();
    b.start('a');
    b.cancelRunning();
    await flush();
    expect(written.records.map((r) => [r.taskId, r.status])).toEqual([
      ['a', 'CANCELLED'],
      ['b', 'CANCELLED'],
      ['c', 'CANCELLED'],
      ['d', 'CANCELLED'],
    ]);
    expect(b.isFinished).toBe(false); // a's workflow still has to report; the scheduler waits for it
  });

  it('keeps the states carried through continue-as-new, and never restarts a finished task', () => {
    const carried = book();
    carried.book.start('a');
    carried.book.end('a', { taskId: 'a', outcome: 'SUCCEEDED', attempts: 1, costUsd: '0.1' });
    const next = carried.book.carryOver(
      {
        ledger: { spentUsd: '0.1', limitUsd: '10', alertsFired: [] },
        paused: false,
        startedAt: 1,
        generation: 0,
      },
      true,
    );
    const { book: b } = book({ carried: next });
    expect(b.tasks.get('a')).toMatchObject({ state: 'SUCCEEDED' });
    expect(b.pickStartable(4)).toEqual(['b', 'd']);
  });
});
