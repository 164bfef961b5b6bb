/**
 * The build's notifications on the simulation host: which events go to which sink, under which keys;
 * a failing sink leaves the build SUCCEEDED with NOTIFY_FAILED on record; a slow sink delays nothing
 * but the build's end, and that by at most its delivery bound; builds without the patch notify nothing.
 */
import type { NotifyInput } from '../../../lib/contracts';
import type { SinkInstance } from '../../../lib/notify/config';
import { deliveryBoundMs } from '../../../workflows/core/notifier';
import {
  createFakeActivities,
  simulationInput,
  type AgentScript,
  type FakeOptions,
} from '../../../workflows/simulation/fakes';
import { simulateBuild, SimFailure } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const hook: SinkInstance = {
  id: 'hook',
  sink: 'webhook',
  events: ['build.started', 'task.succeeded', 'task.failed', 'build.budget_threshold', 'build.finished'],
  timeoutMs: 10_000,
  idempotent: true,
};
const team: SinkInstance = {
  id: 'team',
  sink: 'slack',
  events: ['build.finished'],
  timeoutMs: 5_000,
  idempotent: false,
};

const agent: AgentScript = (c) =>
  c.taskId === 'c'
    ? {
        durationMs: MIN,
        costUsd: '0.0001',
        failure: { type: 'VERIFICATION_FAILED', stage: 'verify', message: 'npm test: 2 failing' },
      }
    : { durationMs: 2 * MIN, costUsd: '0.0001' };

async function run(
  options: { sinks?: SinkInstance[]; notify?: FakeOptions['notify']; unpatched?: string[] } = {},
) {
  const p = plan([task('a'), task('b', ['a']), task('c')]);
  const fakes = createFakeActivities({
    plan: p,
    agent,
    level: 'simple',
    ...(options.notify ? { notify: options.notify } : {}),
  });
  const input = simulationInput(p, {
    parallel: 2,
    ...(options.sinks ? { notify: { sinks: options.sinks } } : {}),
  });
  const sim = await simulateBuild({
    input,
    activities: fakes.activities,
    unpatched: options.unpatched ?? [],
  });
  return { sim, store: fakes.store, events: [...fakes.store.events.values()] };
}

const pairs = (ns: NotifyInput[]) =>
  ns.map((n) => `${n.sink.id}:${n.event.type}:${n.event.id.split('/').slice(2).join('/')}`);

describe('notifications of a build', () => {
  it('go to each sink that takes the event, under stable keys, build.started first and build.finished last', async () => {
    const { sim, store } = await run({ sinks: [hook, team] });
    expect(sim.result.outcome).toBe('PARTIAL');
    const sent = pairs(store.notifications);
    expect(sent[0]).toBe('hook:build.started:build');
    expect(sent.slice(-2).sort()).toEqual(['hook:build.finished:build', 'team:build.finished:build']);
    expect(sent.sort()).toEqual(
      [
        'hook:build.started:build',
        'hook:task.succeeded:a',
        'hook:task.succeeded:b',
        'hook:task.failed:c',
        'hook:build.finished:build',
        'team:build.finished:build',
      ].sort(),
    );
    const keys = store.notifications.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
    const finished = store.notifications.find((n) => n.sink.id === 'team')!;
    expect(finished.key).toMatch(/^sim\/build\.finished\/build\/team\/[0-9a-z]+$/);
    expect(finished.event).toMatchObject({
      version: 1,
      buildId: 'sim',
      data: {
        outcome: 'PARTIAL',
        tasks: { total: 3, succeeded: 2, failed: 1, blocked: 0, cancelled: 0 },
        baseBranch: 'main',
      },
    });
    const failed = store.notifications.find((n) => n.event.type === 'task.failed')!;
    expect(failed.event.data).toMatchObject({
      taskId: 'c',
      title: 'Task c',
      failureClass: 'VERIFICATION_FAILED',
    });
  });

  it('a sink that fails leaves the build as it was, with NOTIFY_FAILED (sink, event, kind, hint) on record', async () => {
    const notify: FakeOptions['notify'] = (n) => ({
      durationMs: 1000,
      result: () => {
        if (n.sink.id === 'team')
          throw new SimFailure('NOTIFY_FAILED', 'the token lacks chat:write', {
            kind: 'permission',
            hint: 'Give the app chat:write.',
          } as never);
        return { status: 'delivered' };
      },
    });
    const { sim, events } = await run({ sinks: [hook, team], notify });
    const plain = await run();
    expect(sim.result.outcome).toBe(plain.sim.result.outcome);
    const failures = events.filter((e) => e.type === 'NOTIFY_FAILED');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.data).toEqual({
      sink: 'team',
      sinkName: 'slack',
      eventType: 'build.finished',
      eventId: 'sim/build.finished/build',
      kind: 'permission',
      message: 'the token lacks chat:write',
      hint: 'Give the app chat:write.',
    });
  });

  it('a slow sink delays no task, and the end by no more than its delivery bound', async () => {
    const slow: FakeOptions['notify'] = () => ({
      durationMs: 60 * MIN,
      result: () => ({ status: 'delivered' }),
    });
    const plain = await run();
    const { sim } = await run({ sinks: [hook], notify: slow });
    expect(sim.trace).toEqual(plain.sim.trace);
    const late = sim.endedAt - plain.sim.endedAt;
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThanOrEqual(deliveryBoundMs(hook.timeoutMs));
  });

  it('build.budget_threshold reaches the sink that takes it once per threshold crossed, with threshold, spent and budget', async () => {
    const p = plan([task('a'), task('b', ['a']), task('c', ['b'])]);
    const fakes = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: MIN, costUsd: '0.03' }),
      level: 'simple',
    });
    const sim = await simulateBuild({
      input: simulationInput(p, { budgetUsd: '0.1', notify: { sinks: [hook, team] } }),
      activities: fakes.activities,
    });
    expect(sim.result.outcome).toBe('BUDGET_EXHAUSTED');
    const sent = fakes.store.notifications;
    const alerts = sent.filter((n) => n.event.type === 'build.budget_threshold');
    expect(alerts.map((n) => [n.sink.id, n.event.id, n.event.data])).toEqual([
      ['hook', 'sim/build.budget_threshold/50', { threshold: 50, spentUsd: '0.05784', budgetUsd: '0.1' }],
      ['hook', 'sim/build.budget_threshold/80', { threshold: 80, spentUsd: '0.08568', budgetUsd: '0.1' }],
      ['hook', 'sim/build.budget_threshold/100', { threshold: 100, spentUsd: '0.1', budgetUsd: '0.1' }],
    ]);
    expect(new Set(alerts.map((n) => n.key)).size).toBe(3);
    // Each alert goes out before the build ends, and the sink without the event gets none.
    const last = sent.findIndex((n) => n.event.type === 'build.finished');
    expect(sent.indexOf(alerts[2]!)).toBeLessThan(last);
    expect(sent.filter((n) => n.sink.id === 'team').map((n) => n.event.type)).toEqual(['build.finished']);
  });

  it("a remote build's task and finish events carry its remote URL without credentials; the plan gate carries the plan's forecast", async () => {
    const p = plan([task('a'), task('b', ['a'])]);
    const fakes = createFakeActivities({ plan: p, agent, level: 'simple' });
    const all: SinkInstance = { ...hook, events: [...hook.events, 'approval.requested'] };
    const sim = await simulateBuild({
      input: simulationInput(p, {
        repoUrl: 'https://x-access-token:s3cret-token@github.com/acme/shop.git',
        approval: { plan: true, timeoutHours: 1, onTimeout: 'approve' },
        notify: { sinks: [all] },
      }),
      activities: fakes.activities,
    });
    expect(sim.result.outcome).toBe('SUCCEEDED');
    const sent = fakes.store.notifications;
    const withRemote = sent.filter((n) => /^(task|build)\./.test(n.event.type)).map((n) => n.event.type);
    expect(withRemote).toEqual(['build.started', 'task.succeeded', 'task.succeeded', 'build.finished']);
    for (const n of sent.filter((n) => withRemote.includes(n.event.type)))
      expect((n.event.data as { repoUrl?: string }).repoUrl).toBe('https://github.com/acme/shop.git');
    expect(JSON.stringify(sent)).not.toContain('s3cret-token');
    // Two simple tasks on haiku, stronger model sonnet (lib/models.ts prices, 40k in of which 70% cached,
    // 4k out): one haiku attempt $0.00348, one sonnet attempt $0.0696. Low: one attempt each; high: two
    // on haiku and one on sonnet each.
    const gate = sent.find((n) => n.event.type === 'approval.requested')!;
    expect(gate.event.data).toMatchObject({ gate: 'plan', forecastUsd: { low: '0.00696', high: '0.15312' } });
  });

  it('a local build carries no repoUrl', async () => {
    const { store } = await run({ sinks: [hook] });
    expect(store.notifications.length).toBeGreaterThan(0);
    for (const n of store.notifications) expect(n.event.data).not.toHaveProperty('repoUrl');
  });

  it('a build whose history predates notifications (unpatched) or without sinks notifies nothing and runs as before', async () => {
    const plain = await run();
    const old = await run({ sinks: [hook, team], unpatched: ['notifications'] });
    expect(old.store.notifications).toEqual([]);
    expect(plain.store.notifications).toEqual([]);
    expect(old.sim.trace).toEqual(plain.sim.trace);
    expect(old.sim.endedAt).toBe(plain.sim.endedAt);
    expect(old.events.map((e) => e.dedupeKey)).toEqual(plain.events.map((e) => e.dedupeKey));
  });
});
