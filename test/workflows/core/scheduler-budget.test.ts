import { BudgetLedger } from '../../../workflows/core/budget';
import {
  claimsConflict,
  criticalPathWeights,
  DagScheduler,
  normalizeClaim,
} from '../../../workflows/core/scheduler';

const t = (id: string, dependsOn: string[] = [], files: string[] = [], weight = 1) => ({
  id,
  dependsOn,
  files,
  weight,
});

describe('the scheduler', () => {
  it('normalises claimed paths and treats a directory as conflicting with the files under it', () => {
    expect(normalizeClaim('./src//auth/../a.ts')).toBe('src/a.ts');
    expect(claimsConflict(normalizeClaim('src/'), 'src/a.ts')).toBe(true);
    expect(claimsConflict('src/a.ts', 'src/ab.ts')).toBe(false);
  });

  it('starts the task on the longest remaining path first', () => {
    const tasks = [t('short', [], [], 1), t('long', [], [], 1), t('tail', ['long'], [], 5)];
    expect(criticalPathWeights(tasks).get('long')).toBe(6);
    const s = new DagScheduler(tasks);
    expect(s.pickStartable(1)).toEqual(['long']);
  });

  it('never picks two tasks claiming the same file and respects the parallel bound', () => {
    const s = new DagScheduler([
      t('a', [], ['src/x.ts']),
      t('b', [], ['./src/x.ts']),
      t('c', [], ['src']),
      t('d'),
      t('e'),
    ]);
    const picked = s.pickStartable(3);
    expect(picked).toHaveLength(3);
    expect(picked).toContain('a');
    expect(picked).not.toContain('b');
    expect(picked).not.toContain('c');
  });

  it('blocks dependents transitively when a task fails and still finishes', () => {
    const s = new DagScheduler([t('a'), t('b', ['a']), t('c', ['b']), t('d')]);
    for (const id of s.pickStartable(4)) s.start(id);
    expect(s.finish('a', 'FAILED').sort()).toEqual(['b', 'c']);
    expect(s.isFinished()).toBe(false);
    s.finish('d', 'SUCCEEDED');
    expect(s.isFinished()).toBe(true);
  });

  it('resumes from carried states without re-running finished tasks', () => {
    const s = new DagScheduler([t('a'), t('b', ['a']), t('c', ['a'])], { a: 'SUCCEEDED', c: 'FAILED' });
    expect(s.pickStartable(4)).toEqual(['b']);
  });
});

describe('the budget ledger', () => {
  it('fires each alert threshold exactly once, in exact decimals', () => {
    const l = new BudgetLedger('1.00');
    expect(l.addSpent('0.1', 0)).toEqual([]);
    expect(l.addSpent('0.4', 1).map((a) => a.threshold)).toEqual([0.5]);
    expect(l.addSpent('0.2', 2)).toEqual([]);
    expect(l.addSpent('0.1', 3).map((a) => a.threshold)).toEqual([0.8]);
    expect(l.addSpent('0.2', 4).map((a) => a.threshold)).toEqual([1]);
    expect(l.spentUsd).toBe('1');
    l.raise('1');
    expect(l.addSpent('0.9', 5)).toEqual([]);
  });

  it('grants nothing at 100 % until the budget is raised', () => {
    const l = new BudgetLedger('1');
    expect(l.request({ taskId: 'a', attempt: 1, usd: '0.6' })).toEqual({ granted: true, usd: '0.6' });
    expect(l.request({ taskId: 'b', attempt: 1, usd: '0.6' })).toEqual({ granted: false, hold: true });
    l.reconcile({ taskId: 'a', attempt: 1, usd: '0.7' }, 0);
    expect(l.request({ taskId: 'b', attempt: 1, usd: '0.6' })).toEqual({ granted: true, usd: '0.3' });
    l.reconcile({ taskId: 'b', attempt: 1, usd: '0.3' }, 0);
    expect(l.breaker).toBe('budget');
    expect(l.request({ taskId: 'c', attempt: 1, usd: '0.01' })).toEqual({ granted: false, hold: true });
    l.raise('0.5');
    expect(l.breaker).toBe('closed');
    expect(l.request({ taskId: 'c', attempt: 1, usd: '0.01' })).toEqual({ granted: true, usd: '0.01' });
  });

  it('trips the quota breaker for everyone until resume', () => {
    const l = new BudgetLedger('10');
    l.reconcile({ taskId: 'a', attempt: 1, usd: '0', quotaExhausted: true }, 0);
    expect(l.request({ taskId: 'b', attempt: 1, usd: '0.1' })).toEqual({ granted: false, hold: true });
    l.resetQuota();
    expect(l.request({ taskId: 'b', attempt: 1, usd: '0.1' }).granted).toBe(true);
  });
});
