import { DagScheduler } from '../../../workflows/core/scheduler';

const t = (id: string, files: string[] = []) => ({ id, dependsOn: [], files, weight: 1 });

describe('claims learned from a merge conflict', () => {
  it('keep a task that plans the file from starting beside the task that learned it', () => {
    const s = new DagScheduler([t('a', ['src/a.ts']), t('b', ['src/server.ts'])]);
    s.start('a');
    expect(s.learnClaims('a', ['./src/server.ts', 'src/a.ts'])).toEqual(['src/server.ts']);
    expect(s.claimsOf('a')).toEqual(['src/a.ts', 'src/server.ts']);
    expect(s.pickStartable(4)).toEqual([]);
    s.finish('a', 'SUCCEEDED');
    expect(s.pickStartable(4)).toEqual(['b']);
  });

  it('are ignored for a task the plan does not have', () => {
    const s = new DagScheduler([t('a')]);
    expect(s.learnClaims('zz', ['x'])).toEqual([]);
  });
});
