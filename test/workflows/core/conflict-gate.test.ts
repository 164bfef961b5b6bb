import { ConflictGate, ResolutionTally } from '../../../workflows/core/conflict-gate';

const first = (taskId: string) => ({ taskId, attempt: 1, usd: '1' });
const redo = (taskId: string) => ({ taskId, attempt: 2, usd: '1', claims: ['./src/server.ts'] });
const server = (resolved: boolean) => ({ files: ['src/server.ts'], resolved });

describe('after a merge conflict no resolution settled', () => {
  it('the redo waits until no other attempt runs, and nothing starts while it waits or runs', () => {
    const gate = new ConflictGate(new ResolutionTally());
    expect(gate.mayRun(redo('b'), ['c', 'd'])).toBe(false);
    expect(gate.learned).toEqual(new Set(['src/server.ts']));
    // A new attempt may not start beside the waiting redo, even with nothing else running.
    expect(gate.mayRun(first('e'), [])).toBe(false);
    expect(gate.mayRun(redo('b'), ['d'])).toBe(false);
    expect(gate.mayRun(redo('b'), ['b'])).toBe(true);
    gate.granted('b');
    expect(gate.mayRun(first('e'), ['b'])).toBe(false);
    gate.ended('b');
    // The file is not hot (no failed resolution reported): attempts run side by side again.
    expect(gate.mayRun(first('e'), ['x'])).toBe(true);
  });

  it('two redos run one after the other, the earlier first', () => {
    const gate = new ConflictGate(new ResolutionTally());
    expect(gate.mayRun(redo('b'), ['a'])).toBe(false);
    expect(gate.mayRun(redo('c'), [])).toBe(false);
    expect(gate.mayRun(redo('b'), [])).toBe(true);
    gate.granted('b');
    expect(gate.mayRun(redo('c'), ['b'])).toBe(false);
    gate.ended('b');
    expect(gate.mayRun(redo('c'), [])).toBe(true);
  });

  it('a file whose resolutions fail at least as often as they succeed makes every attempt run alone', () => {
    const tally = new ResolutionTally();
    const gate = new ConflictGate(tally);
    tally.add(server(true));
    tally.add(server(true));
    tally.add(server(false));
    expect(gate.hot.size).toBe(0);
    expect(gate.mayRun(first('e'), ['x', 'y'])).toBe(true);
    tally.add(server(false));
    expect([...gate.hot]).toEqual(['src/server.ts']);
    expect(gate.mayRun(first('e'), ['x'])).toBe(false);
    expect(gate.mayRun(first('e'), ['e'])).toBe(true);
  });

  it('without a tally (builds from before), a file is hot from its first failed resolution', () => {
    const gate = new ConflictGate();
    expect(gate.mayRun(redo('b'), [])).toBe(true);
    gate.granted('b');
    gate.ended('b');
    expect(gate.mayRun(first('e'), ['x'])).toBe(false);
    expect(gate.mayRun(first('e'), [])).toBe(true);
  });

  it('carries its learned files and tallies into a gate that goes on after continue-as-new', () => {
    const tally = new ResolutionTally();
    const gate = new ConflictGate(tally);
    gate.mayRun(redo('b'), []);
    tally.add(server(false));
    const carried = gate.carry();
    expect(carried).toEqual({
      learned: ['src/server.ts'],
      resolutions: { 'src/server.ts': { resolved: 0, failed: 1 } },
    });
    const next = new ConflictGate(new ResolutionTally(carried.resolutions), carried.learned);
    expect([...next.hot]).toEqual(['src/server.ts']);
    expect(next.mayRun(first('e'), ['x'])).toBe(false);
    expect(new ConflictGate(undefined, carried.learned).carry()).toEqual({ learned: ['src/server.ts'] });
  });
});
