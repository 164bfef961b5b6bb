/**
 * Delivery on the simulation host: the delivery gate waits after the last task as the plan gate waits
 * after planning (same validators, same timer), then the deliverBuild activity runs once; a rejection,
 * a timeout that cancels or a refused merge ends the build with the reason and delivers nothing.
 */
import type { ApprovalSettings } from '../../../lib/approval';
import { buildBranchName } from '../../../lib/ids';
import { planHash } from '../../../lib/plan-hash';
import type { BuildHandlers } from '../../../workflows/core/port';
import type { ProgressSnapshot } from '../../../workflows/core/progress';
import { steer, type SteeringUpdates } from '../../../workflows/core/steering';
import type { BuildWorkflowInput } from '../../../workflows/core/types';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { SimFailure, simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const HOUR = 60 * MIN;
const BRANCH = buildBranchName('sim');
const GATE: ApprovalSettings = { plan: false, delivery: true, timeoutHours: 2, onTimeout: 'cancel' };
const HASH = planHash(plan([task('a'), task('b', ['a'])]));
const KEEPS = `The build branch ${BRANCH} keeps every task.`;

async function delivering(
  steps: [number, (u: SteeringUpdates, h: BuildHandlers) => unknown][],
  options: { input?: Partial<BuildWorkflowInput>; unpatched?: string[]; refuse?: boolean } = {},
) {
  const p = plan([task('a'), task('b', ['a'])]);
  const { activities, store } = createFakeActivities({
    plan: p,
    agent: () => ({ durationMs: 10 * MIN, costUsd: '0.01' }),
  });
  if (options.refuse)
    activities.deliverBuild = () => ({
      durationMs: 1000,
      complete: () => {
        throw new SimFailure('DELIVERY_REFUSED', 'main is checked out at /repo with uncommitted changes (x)');
      },
    });
  const answers: unknown[] = [];
  const seen: ProgressSnapshot[] = [];
  const run = await simulateBuild({
    input: simulationInput(p, options.input ?? { delivery: { mode: 'merge' }, approval: GATE }),
    activities,
    ...(options.unpatched ? { unpatched: options.unpatched } : {}),
    controls: steps.map(([afterMs, apply]) => ({
      afterMs,
      apply: (h, u) => {
        seen.push(h.progress());
        try {
          answers.push(apply(u, h));
        } catch (err) {
          answers.push((err as Error).message);
        }
      },
    })),
  });
  return { run, answers, seen, store, hash: planHash(p) };
}

describe('delivery of a finished build', () => {
  it('merges right after the last task when there is no delivery gate, and says so in the summary', async () => {
    const { run, store } = await delivering([], { input: { delivery: { mode: 'merge' } } });
    expect(run.result.outcome).toBe('SUCCEEDED');
    expect(store.delivered).toEqual([BRANCH]);
    expect(run.result.summary.delivery).toMatchObject({ state: 'delivered', baseBranch: 'main' });
    expect(run.result.summary.message).toMatch(
      new RegExp(
        `^Build succeeded\\. 2/2 tasks succeeded.*\\. Merged ${BRANCH} into main \\(fast-forward, m-sim\\)\\.$`,
      ),
    );
  });

  it('waits at the delivery gate with every task done, delivers once approved; the plan hash is the gate’s', async () => {
    const hash = HASH;
    const { run, answers, seen, store } = await delivering([
      [HOUR, (u) => steer(u.approve, { requestId: 'd-1', planHash: '0000000000000000' })],
      [HOUR, (u) => steer(u.approve, { requestId: 'd-2', planHash: hash, by: 'ana' })],
      [HOUR + 1, (u) => steer(u.approve, { requestId: 'd-2' })],
    ]);
    expect(seen[0]).toMatchObject({
      status: 'AWAITING_APPROVAL',
      counts: { SUCCEEDED: 2 },
      approval: {
        gate: 'delivery',
        planHash: hash,
        delivery: { mode: 'merge', buildBranch: BRANCH, baseBranch: 'main' },
      },
      delivery: { state: 'awaiting-approval' },
    });
    expect(answers[0]).toMatch(/has hash [0-9a-f]{16}, not 0000000000000000/);
    expect(answers[1]).toMatchObject({
      gate: 'delivery',
      applied: true,
      decision: { decision: 'approved', by: 'ana' },
    });
    expect(answers[2]).toMatchObject({ applied: false, requestId: 'd-2' });
    expect(store.delivered).toEqual([BRANCH]);
    expect(run.result.outcome).toBe('SUCCEEDED');
  });

  it('an answer that names another gate is refused: a late plan approval cannot approve the delivery', async () => {
    const { run, answers, store } = await delivering([
      [HOUR, (u) => steer(u.approve, { requestId: 'p-late', gate: 'plan' })],
      [HOUR, (u) => steer(u.reject, { requestId: 'p-late-2', gate: 'plan', reason: 'no' })],
      [HOUR + 1, (u) => steer(u.approve, { requestId: 'd-1', gate: 'delivery' })],
    ]);
    expect(answers[0]).toBe('the build waits for approval of its delivery, not of its plan: nothing changed');
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toMatchObject({ gate: 'delivery', applied: true, decision: { decision: 'approved' } });
    expect(store.delivered).toEqual([BRANCH]);
    expect(run.result.outcome).toBe('SUCCEEDED');
  });

  it('sends approval.requested for the delivery gate to a sink that takes it', async () => {
    const sinks = [
      {
        id: 'ops',
        sink: 'webhook',
        events: ['approval.requested' as const],
        timeoutMs: 5000,
        idempotent: true,
      },
    ];
    const { store } = await delivering([[HOUR, (u) => steer(u.approve, { requestId: 'd-1' })]], {
      input: { delivery: { mode: 'merge' }, approval: GATE, notify: { sinks } },
    });
    expect(store.notifications.map((n) => [n.event.type, n.event.id, n.event.data])).toEqual([
      [
        'approval.requested',
        'sim/approval.requested/delivery',
        expect.objectContaining({ gate: 'delivery', planHash: HASH, onTimeout: 'cancel' }),
      ],
    ]);
  });

  it('pull-request mode: the activity gets the build summary, and the summary shows the pull request', async () => {
    const p = plan([task('a'), task('b', ['a'])]);
    const { activities } = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: MIN, costUsd: '0.01' }),
    });
    const seen: unknown[] = [];
    activities.deliverBuild = (i) => ({
      durationMs: 1000,
      complete: () => {
        seen.push(i);
        const pullRequest = {
          number: 7,
          url: 'https://github.example/acme/shop/pull/7',
          action: 'created' as const,
        };
        return { how: 'pull-request' as const, commit: 'c0ffee', where: 'github' as const, pullRequest };
      },
    });
    const github = { repo: 'acme/shop' };
    const run = await simulateBuild({
      input: simulationInput(p, { delivery: { mode: 'pull-request', github } }),
      activities,
    });
    expect(seen).toEqual([
      expect.objectContaining({
        mode: 'pull-request',
        github,
        summary: expect.objectContaining({
          buildId: 'sim',
          outcome: 'SUCCEEDED',
          spentUsd: run.result.summary.spentUsd,
          tasks: [
            expect.objectContaining({ id: 'a', title: 'Task a', state: 'SUCCEEDED', commit: 'm-a' }),
            expect.objectContaining({ id: 'b', state: 'SUCCEEDED' }),
          ],
          links: { status: 'br build status sim' },
        }),
      }),
    ]);
    expect(run.result.summary.message).toMatch(
      new RegExp(
        `Pull request #7 from ${BRANCH} to main \\(created\\): https://github.example/acme/shop/pull/7$`,
      ),
    );
  });

  it('rejected: CANCELLED with the reason, nothing delivered, every task done on the build branch', async () => {
    const { run, answers, store } = await delivering([
      [HOUR, (u) => steer(u.reject, { requestId: 'd-1' })],
      [HOUR, (u) => steer(u.reject, { requestId: 'd-2', reason: 'wait for the release', by: 'ana' })],
    ]);
    expect(answers[0]).toBe('a rejection needs a reason (--reason TEXT)');
    expect(run.result.outcome).toBe('CANCELLED');
    expect(run.result.summary.message).toBe(
      `Build cancelled. Delivery rejected by ana: wait for the release. ${KEEPS}`,
    );
    expect(run.result.summary.tasks).toMatchObject({ SUCCEEDED: 2, CANCELLED: 0 });
    expect(run.result.summary.delivery).toMatchObject({ state: 'rejected' });
    expect(store.delivered).toEqual([]);
  });

  it('unanswered: cancels after timeoutHours, or delivers when approval.onTimeout is "approve"', async () => {
    const cancelled = await delivering([]);
    expect(cancelled.run.result.summary.message).toBe(
      `Build cancelled. Delivery not approved: nobody approved or rejected the delivery within 2 hours (approval.onTimeout: cancel). ${KEEPS}`,
    );
    expect(cancelled.store.delivered).toEqual([]);
    const approved = await delivering([], {
      input: { delivery: { mode: 'merge' }, approval: { ...GATE, onTimeout: 'approve' } },
    });
    expect(approved.run.result.outcome).toBe('SUCCEEDED');
    expect(approved.store.delivered).toEqual([BRANCH]);
    expect(approved.run.endedAt - approved.run.startedAt).toBeGreaterThanOrEqual(2 * HOUR);
  });

  it('a refused merge ends FAILED with the class and hint; the build branch keeps every task', async () => {
    const { run } = await delivering([], { input: { delivery: { mode: 'merge' } }, refuse: true });
    expect(run.result.outcome).toBe('FAILED');
    expect(run.result.summary.failure).toMatchObject({
      code: 'DELIVERY_REFUSED',
      hint: expect.stringContaining('git merge'),
    });
    expect(run.result.summary.message).toBe(
      `Build failed. Delivering the build failed (DELIVERY_REFUSED): main is checked out at /repo with uncommitted changes (x). ${KEEPS}`,
    );
    expect(run.result.summary.tasks).toMatchObject({ SUCCEEDED: 2 });
  });

  it('nothing waits and nothing is delivered for builds without delivery, and for histories from before it', async () => {
    const none = await delivering([[MIN, (u) => steer(u.approve, { requestId: 'x' })]], { input: {} });
    expect(none.answers).toEqual(['nothing is waiting for approval: the build is running']);
    expect(none.store.delivered).toEqual([]);
    expect(none.run.result.summary).not.toHaveProperty('delivery');
    const old = await delivering([], { unpatched: ['delivery-gate'] });
    expect(old.run.result.outcome).toBe('SUCCEEDED');
    expect(old.store.delivered).toEqual([]);
  });
});
