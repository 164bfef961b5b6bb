/**
 * `br build continue` of a build that ended CANCELLED at its delivery gate (rejected, or unanswered
 * with onTimeout "cancel"), on the simulation host: the continuation (services/build-continue.ts) keeps
 * every merged task, the new run runs none of them, reaches delivery again, waits at the gate again and
 * delivers once approved.
 */
import type { ApprovalSettings } from '../../lib/approval';
import { UserError } from '../../lib/errors';
import { buildBranchName } from '../../lib/ids';
import { continuation } from '../../services/build-continue';
import type { BuildHandlers } from '../../workflows/core/port';
import type { ProgressSnapshot } from '../../workflows/core/progress';
import { steer } from '../../workflows/core/steering';
import type { BuildWorkflowInput } from '../../workflows/core/types';
import { createFakeActivities, simulationInput } from '../../workflows/simulation/fakes';
import { SimFailure, simulateBuild, type SimControl } from '../../workflows/simulation/runtime';
import { plan, task } from '../fixtures/simulation';

const HOUR = 3600_000;
const GATE: ApprovalSettings = { plan: false, delivery: true, timeoutHours: 2, onTimeout: 'cancel' };
const p = plan([task('a'), task('b', ['a'])]);
const hook = {
  id: 'hook',
  sink: 'webhook',
  events: ['approval.requested' as const, 'build.finished' as const],
  timeoutMs: 5000,
  idempotent: true,
};

async function runOnce(input: BuildWorkflowInput, controls: SimControl[] = [], refuse = false) {
  const fakes = createFakeActivities({
    plan: p,
    agent: () => ({ durationMs: 10 * 60_000, costUsd: '0.01' }),
  });
  if (refuse)
    fakes.activities.deliverBuild = () => ({
      durationMs: 1000,
      complete: () => {
        throw new SimFailure('DELIVERY_REFUSED', 'main is checked out at /repo with uncommitted changes (x)');
      },
    });
  let handlers: BuildHandlers | undefined;
  const seen: ProgressSnapshot[] = [];
  const run = await simulateBuild({
    input,
    activities: fakes.activities,
    controls: [
      { afterMs: 0, apply: (h) => void (handlers = h) },
      ...controls.map((c) => ({
        afterMs: c.afterMs,
        apply: (h: BuildHandlers, u: Parameters<SimControl['apply']>[1]) => {
          seen.push(h.progress());
          c.apply(h, u);
        },
      })),
    ],
  });
  return { run, store: fakes.store, carryOn: () => handlers!.carryOn!()!, seen };
}

const reject: SimControl = {
  afterMs: HOUR,
  apply: (_h, u) => void steer(u.reject, { requestId: 'r-1', reason: 'not this week', by: 'ana' }),
};
const approve = (requestId: string): SimControl => ({
  afterMs: HOUR,
  apply: (_h, u) => void steer(u.approve, { requestId }),
});

describe.each([
  ['rejected', [reject], /^Build cancelled. Delivery rejected by ana: not this week\./],
  [
    'unanswered past its timeout',
    [],
    /^Build cancelled. Delivery not approved: nobody approved or rejected the delivery within 2 hours/,
  ],
])('continuing a build whose delivery gate was %s', (_what, controls, reason) => {
  it('runs no task again, waits at the delivery gate again and delivers once approved', async () => {
    const input = simulationInput(p, {
      delivery: { mode: 'merge' },
      approval: GATE,
      notify: { sinks: [hook] },
    });
    const first = await runOnce(input, controls);
    expect(first.run.result.outcome).toBe('CANCELLED');
    expect(first.run.result.summary.message).toMatch(reason);
    expect(first.store.delivered).toEqual([]);
    expect(first.store.agentCalls.map((c) => c.taskId)).toEqual(expect.arrayContaining(['a', 'b']));

    const next = continuation(first.carryOn(), {}, '5');
    expect([next.kept, next.run]).toEqual([['a', 'b'], []]);
    const second = await runOnce(next.input, [approve('d-2')]);
    expect(second.store.agentCalls).toEqual([]);
    expect(second.seen[0]).toMatchObject({
      status: 'AWAITING_APPROVAL',
      counts: { SUCCEEDED: 2 },
      approval: { gate: 'delivery', delivery: { buildBranch: buildBranchName('sim') } },
    });
    expect(second.run.result.outcome).toBe('SUCCEEDED');
    expect(second.store.delivered).toEqual([buildBranchName('sim')]);
    expect(second.run.result.summary.spentUsd).toBe(first.run.result.summary.spentUsd);
    // The second gate and the second end are new occurrences: sent, under keys of their own.
    const keys = (s: typeof first.store) => s.notifications.map((n) => n.key);
    expect(second.store.notifications.map((n) => n.event.type)).toEqual([
      'approval.requested',
      'build.finished',
    ]);
    for (const k of keys(second.store)) expect(keys(first.store)).not.toContain(k);
  });
});

it('continuing a build whose delivery was refused runs no task and delivers', async () => {
  const input = simulationInput(p, { delivery: { mode: 'merge' } });
  const first = await runOnce(input, [], true);
  expect(first.run.result.outcome).toBe('FAILED');
  const next = continuation(first.carryOn(), {}, '5');
  expect(next.run).toEqual([]);
  const second = await runOnce(next.input);
  expect(second.store.agentCalls).toEqual([]);
  expect([second.run.result.outcome, second.store.delivered]).toEqual([
    'SUCCEEDED',
    [buildBranchName('sim')],
  ]);
});

it('a build without delivery whose every task is merged has nothing to continue', async () => {
  const first = await runOnce(simulationInput(p));
  expect(first.run.result.outcome).toBe('SUCCEEDED');
  expect(() => continuation(first.carryOn(), {}, '5')).toThrow(UserError);
  expect(() => continuation(first.carryOn(), {}, '5')).toThrow(/every task chosen is already merged/);
});
