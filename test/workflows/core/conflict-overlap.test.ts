import { ConflictOverlap } from '../../../workflows/core/conflict-overlap';

const ask = (taskId: string, attempt = 1) => ({ taskId, attempt, usd: '0', resolve: ['src/server.ts'] });

describe('a redo beside older attempts', () => {
  it('waits only for attempts granted after its task last was, and for resolutions under way', () => {
    const o = new ConflictOverlap(true);
    const grantedAt = new Map([
      ['b', 0],
      ['c', 0],
      ['d', 60_000],
    ]);
    expect(o.blockers(['b', 'c', 'd'], 'b', grantedAt)).toEqual(['d']);
    o.ask(ask('c'));
    expect(o.answer(false)).toEqual([{ taskId: 'c', attempt: 1, granted: true, resolve: true }]);
    expect(o.blockers(['b', 'c'], 'b', grantedAt)).toEqual(['c']);
    o.ended('c');
    expect(o.blockers(['b', 'c'], 'b', grantedAt)).toEqual([]);
  });

  it('gives no leave to resolve while a redo runs, and all of it once none does', () => {
    const o = new ConflictOverlap(true);
    o.ask(ask('c'));
    o.ask(ask('d', 2));
    expect(o.answer(true)).toEqual([]);
    expect(o.answer(false).map((g) => [g.taskId, g.attempt])).toEqual([
      ['c', 1],
      ['d', 2],
    ]);
    expect(o.answer(false)).toEqual([]);
  });

  it('in a history from before, gives leave at once', () => {
    const o = new ConflictOverlap(false);
    o.ask(ask('c'));
    expect(o.answer(true)).toHaveLength(1);
  });
});
