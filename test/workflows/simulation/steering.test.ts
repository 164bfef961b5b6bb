import { createFakeActivities, simulationInput, type AgentScript } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import type { BuildHandlers } from '../../../workflows/core/port';
import type { ProgressSnapshot } from '../../../workflows/core/progress';
import { parseConfig } from '../../../lib/config';
import { gateSettings } from '../../../lib/quality';
import { plan, task, traceViolations } from '../../fixtures/simulation';

const MIN = 60_000;
const steady: AgentScript = () => ({ durationMs: 10 * MIN, costUsd: '0.001' });
const at = (afterMs: number, apply: (h: BuildHandlers) => void) => ({ afterMs, apply });
const fan = (n: number) => plan(Array.from({ length: n }, (_, i) => task(`t${i}`)));

describe('fallback on the virtual clock', () => {
  it('waits out retry-after before retrying the same model', async () => {
    const p = fan(1);
    const { activities, store } = createFakeActivities({
      plan: p,
      level: 'moderate',
      agent: (c) => ({
        durationMs: MIN,
        costUsd: '0.01',
        ...(c.attempt === 1
          ? { failure: { type: 'RATE_LIMITED', stage: 'agent' as const, details: { retryAfterSeconds: 90 } } }
          : {}),
      }),
    });
    const run = await simulateBuild({ input: simulationInput(p), activities });
    expect(run.result.outcome).toBe('SUCCEEDED');
    const [first, second] = store.attempts;
    expect(second!.startedAt - first!.finishedAt).toBeGreaterThanOrEqual(90_000);
    expect(second!.model).toBe(first!.model);
    expect(first!.decision).toMatch(/retry-same-model after 90s/);
    expect([...store.events.values()].filter((e) => e.type === 'FALLBACK_APPLIED')).toHaveLength(1);
  });

  it('feeds hook output to one repair attempt, then escalates, recording every decision', async () => {
    const p = fan(1);
    const { activities, store } = createFakeActivities({
      plan: p,
      level: 'simple',
      agent: (c) => ({
        durationMs: MIN,
        costUsd: '0.001',
        ...(c.attempt <= 2
          ? {
              failure: {
                type: 'HOOK_REJECTED',
                stage: 'commit' as const,
                details: { output: 'eslint: no-unused-vars' },
              },
            }
          : {}),
      }),
    });
    const run = await simulateBuild({ input: simulationInput(p), activities });
    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(store.agentCalls.map((c) => [c.model, c.repairFeedback])).toEqual([
      ['claude-haiku-5-5', undefined],
      ['claude-haiku-5-5', 'eslint: no-unused-vars'],
      ['claude-sonnet-5-5', 'eslint: no-unused-vars'],
    ]);
    expect(store.attempts.map((a) => a.outcome)).toEqual(['FAILED', 'FAILED', 'SUCCEEDED']);
    expect([...store.events.values()].filter((e) => e.type === 'HOOK_REJECTED')).toHaveLength(2);
  });

  it('runs the quality gate of a build that has one before each merge, and feeds its findings to a repair', async () => {
    const p = fan(2);
    const { activities, store } = createFakeActivities({
      plan: p,
      level: 'simple',
      agent: (c) => ({
        durationMs: MIN,
        costUsd: '0.001',
        ...(c.taskId === 't0' && c.attempt === 1
          ? {
              failure: {
                type: 'QUALITY_GATE_FAILED',
                stage: 'gate' as const,
                details: { output: 'src/t0.js:3: [lintErrors] no-unused-vars' },
              },
            }
          : {}),
      }),
    });
    const gates: string[] = [];
    const fakeGate = activities.checkQualityGate;
    activities.checkQualityGate = (input) => (gates.push(input.taskId), fakeGate(input));
    const qualityGate = gateSettings(parseConfig({ quality: { gate: {} } }).quality, 'r.json')!;
    const run = await simulateBuild({ input: simulationInput(p, { qualityGate }), activities });
    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(gates.sort()).toEqual(['t0', 't0', 't1']);
    expect(store.agentCalls.filter((c) => c.taskId === 't0').map((c) => c.repairFeedback)).toEqual([
      undefined,
      'src/t0.js:3: [lintErrors] no-unused-vars',
    ]);
    const plain = createFakeActivities({ plan: p, agent: steady });
    const called: string[] = [];
    plain.activities.checkQualityGate = (input) => (called.push(input.taskId), fakeGate(input));
    await simulateBuild({ input: simulationInput(p), activities: plain.activities });
    expect(called).toEqual([]);
  });

  it('stops an auth failure at once and blocks the dependents', async () => {
    const p = plan([task('a'), task('b', ['a']), task('c')]);
    const { activities, store } = createFakeActivities({
      plan: p,
      agent: (c) => ({
        durationMs: MIN,
        costUsd: '0',
        ...(c.taskId === 'a' ? { failure: { type: 'AUTH', stage: 'agent' as const } } : {}),
      }),
    });
    const run = await simulateBuild({ input: simulationInput(p), activities });
    expect(run.result.outcome).toBe('PARTIAL');
    expect(store.attempts.filter((x) => x.taskId === 'a')).toHaveLength(1);
    expect(store.tasks.get('b')?.status).toBe('BLOCKED');
    expect(store.tasks.get('c')?.status).toBe('SUCCEEDED');
  });

  it('trips the breaker on quota exhaustion for the whole build, without using the task attempt', async () => {
    const p = fan(3);
    const { activities, store } = createFakeActivities({
      plan: p,
      agent: (c) => ({
        durationMs: 10 * MIN,
        costUsd: '0',
        ...(c.taskId === 't0' && c.attempt === 1
          ? { failure: { type: 'QUOTA_EXHAUSTED', stage: 'agent' as const } }
          : {}),
      }),
    });
    const input = simulationInput(p, {
      parallel: 1,
      routing: { ...simulationInput(p).routing, maxAttemptsPerTask: 1 },
    });
    const run = await simulateBuild({ input, activities, controls: [at(120 * MIN, (h) => h.resume())] });
    expect(run.result.outcome).toBe('SUCCEEDED');
    const afterQuota = run.trace.filter((e) => e.kind === 'task-start' && e.taskId !== 't0');
    for (const s of afterQuota) expect(s.at - run.startedAt).toBeGreaterThanOrEqual(120 * MIN);
    expect(store.attempts.filter((a) => a.taskId === 't0').map((a) => a.failureClass ?? 'ok')).toEqual([
      'QUOTA_EXHAUSTED',
      'ok',
    ]);
  });
});

describe('the budget breaker', () => {
  const costly = (budgetUsd: string) => {
    const p = fan(5);
    const fakes = createFakeActivities({
      plan: p,
      level: 'moderate',
      agent: () => ({ durationMs: 10 * MIN, costUsd: '0.25' }),
    });
    const input = simulationInput(p, {
      parallel: 1,
      budgetUsd,
      budgetWaitMs: 60 * MIN,
      routing: {
        ...simulationInput(p).routing,
        tiers: { simple: 'opus', moderate: 'opus', complex: 'opus', critical: 'opus' },
      },
    });
    return { p, input, ...fakes };
  };

  it('fires each alert once, starts nothing at 100 %, and resumes after a raise', async () => {
    const { input, activities, store } = costly('1');
    const seen: ProgressSnapshot[] = [];
    const run = await simulateBuild({
      input,
      activities,
      controls: [at(60 * MIN, (h) => seen.push(h.progress())), at(70 * MIN, (h) => h.raiseBudget('1'))],
    });
    expect(run.result.outcome).toBe('SUCCEEDED');
    const alerts = [...store.events.values()]
      .filter((e) => e.type === 'BUDGET_ALERT')
      .map((e) => e.data?.threshold);
    expect(alerts).toEqual([0.5, 0.8, 1]);
    expect(seen[0]!.status).toBe('WAITING_FOR_BUDGET');
    expect(seen[0]!.budget.breaker).toBe('budget');
    expect(seen[0]!.counts.PENDING).toBe(1);
    const last = run.trace.filter((e) => e.kind === 'task-start').pop()!;
    expect(last.at - run.startedAt).toBeGreaterThanOrEqual(70 * MIN);
    expect(run.result.summary.spentUsd).toBe('1.25');
  });

  it('ends BUDGET_EXHAUSTED when no raise comes, with the unstarted task cancelled', async () => {
    const { input, activities, store } = costly('1');
    const run = await simulateBuild({ input, activities });
    expect(run.result.outcome).toBe('BUDGET_EXHAUSTED');
    expect(run.result.summary.tasks.SUCCEEDED).toBe(4);
    expect(run.result.summary.tasks.CANCELLED).toBe(1);
    expect(run.trace.filter((e) => e.kind === 'task-start')).toHaveLength(4);
    expect(store.builds.at(-1)?.status).toBe('BUDGET_EXHAUSTED');
  });
});

describe('pause, resume and cancel', () => {
  it('starts nothing while paused and carries on after resume', async () => {
    const p = fan(6);
    const { activities } = createFakeActivities({ plan: p, agent: steady });
    const run = await simulateBuild({
      input: simulationInput(p, { parallel: 2 }),
      activities,
      controls: [at(5 * MIN, (h) => h.pause()), at(100 * MIN, (h) => h.resume())],
    });
    expect(run.result.outcome).toBe('SUCCEEDED');
    const starts = run.trace.filter((e) => e.kind === 'task-start').map((e) => e.at - run.startedAt);
    expect(starts.filter((t) => t > 5 * MIN && t < 100 * MIN)).toEqual([]);
    expect(starts.filter((t) => t >= 100 * MIN).length).toBeGreaterThan(0);
  });

  it('cancel leaves no running task and no worktree behind', async () => {
    const p = plan([task('a'), task('b'), task('c'), task('d', ['a']), task('e', ['b'])]);
    const { activities, store } = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: 30 * MIN, costUsd: '0.01' }),
    });
    const run = await simulateBuild({
      input: simulationInput(p, { parallel: 3 }),
      activities,
      controls: [at(10 * MIN, (h) => h.cancel())],
    });
    expect(run.result.outcome).toBe('CANCELLED');
    expect(traceViolations(p, run.trace, 3)).toEqual([]);
    expect(store.worktreesCreated).toBeGreaterThan(0);
    expect(store.worktrees.size).toBe(0);
    expect([...store.tasks.values()].map((t) => t.status).sort()).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(store.attempts.every((a) => a.outcome === 'CANCELLED')).toBe(true);
  });
});

describe('plans and continue-as-new', () => {
  it('rejects a cyclic plan with a clear summary and runs nothing', async () => {
    const p = plan([task('a', ['b']), task('b', ['a']), task('c', ['ghost'])]);
    const { activities, store } = createFakeActivities({ plan: p, agent: steady });
    const run = await simulateBuild({ input: simulationInput(p), activities });
    expect(run.result.outcome).toBe('FAILED');
    expect(run.result.summary.message).toMatch(/plan was rejected/);
    expect(run.result.summary.problems).toEqual(
      expect.arrayContaining([
        'Task "c" depends on unknown task "ghost".',
        expect.stringMatching(/^Dependency cycle: a -> b -> a/),
      ]),
    );
    expect(store.agentCalls).toHaveLength(0);
  });

  it('continues as new with finished tasks carried over and never re-run', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => task(`t${i}`, i >= 3 ? [`t${i - 3}`] : []));
    const p = plan(tasks);
    const { activities, store } = createFakeActivities({ plan: p, agent: steady });
    const run = await simulateBuild({
      input: simulationInput(p, { parallel: 3 }),
      activities,
      continueAsNewAfterStarts: 4,
    });
    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(run.runs).toBeGreaterThanOrEqual(2);
    expect(run.result.summary.generation).toBe(run.runs - 1);
    expect(traceViolations(p, run.trace, 3)).toEqual([]);
    expect(store.agentCalls).toHaveLength(12);
    expect(store.featuresDelivered).toHaveLength(12);
  });
});
