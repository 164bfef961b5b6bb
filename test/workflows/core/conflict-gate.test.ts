import { ConflictGate } from '../../../workflows/core/conflict-gate';

const first = (taskId: string) => ({ taskId, attempt: 1, usd: '1' });
const redo = (taskId: string) => ({ taskId, attempt: 2, usd: '1', claims: ['./src/server.ts'] });

describe('after a merge conflict no resolution settled', () => {
  it('the redo waits until no other attempt runs, and nothing starts while it waits', () => {
    const gate = new ConflictGate();
    expect(gate.mayRun(redo('b'), ['c', 'd'])).toBe(false);
    expect(gate.hot).toEqual(new Set(['src/server.ts']));
    // A new attempt may not start beside the waiting redo, even with nothing else running.
    expect(gate.mayRun(first('e'), [])).toBe(false);
    expect(gate.mayRun(redo('b'), ['d'])).toBe(false);
    expect(gate.mayRun(redo('b'), ['b'])).toBe(true);
  });

  it('two redos run one after the other, the earlier first', () => {
    const gate = new ConflictGate();
    expect(gate.mayRun(redo('b'), ['a'])).toBe(false);
    expect(gate.mayRun(redo('c'), [])).toBe(false);
    expect(gate.mayRun(redo('b'), [])).toBe(true);
    gate.settled('b');
    expect(gate.mayRun(redo('c'), ['b'])).toBe(false);
    expect(gate.mayRun(redo('c'), [])).toBe(true);
  });

  it('once a file is hot every later attempt runs alone; before, attempts run side by side', () => {
    const gate = new ConflictGate();
    expect(gate.mayRun(first('a'), ['x', 'y'])).toBe(true);
    expect(gate.mayRun(redo('b'), [])).toBe(true);
    gate.settled('b');
    expect(gate.mayRun(first('e'), ['b'])).toBe(false);
    expect(gate.mayRun(first('e'), [])).toBe(true);
  });
});
