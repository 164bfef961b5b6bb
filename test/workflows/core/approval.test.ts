/**
 * The plan gate on the simulation host, with the same validators the Temporal Updates use: the build
 * waits after planning spending nothing, approve/reject answer once per request id, refusals name
 * the build's state, and the durable timer ends an unanswered gate.
 */
import type { ApprovalSettings } from '../../../lib/approval';
import { planHash } from '../../../lib/plan-hash';
import type { BuildHandlers } from '../../../workflows/core/port';
import type { ProgressSnapshot } from '../../../workflows/core/progress';
import { steer, type SteeringUpdates } from '../../../workflows/core/steering';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

const MIN = 60_000;
const HASH = planHash(plan([task('a'), task('b', ['a'])]));
const HOUR = 60 * MIN;
const GATE: ApprovalSettings = { plan: true, timeoutHours: 2, onTimeout: 'cancel' };

async function gated(
  steps: [number, (u: SteeringUpdates, h: BuildHandlers) => unknown][],
  options: { approval?: ApprovalSettings; unpatched?: string[] } = { approval: GATE },
) {
  const p = plan([task('a'), task('b', ['a'])]);
  const { activities } = createFakeActivities({
    plan: p,
    agent: () => ({ durationMs: 10 * MIN, costUsd: '0.01' }),
  });
  const answers: unknown[] = [];
  const seen: ProgressSnapshot[] = [];
  const run = await simulateBuild({
    input: simulationInput(p, options.approval ? { approval: options.approval } : {}),
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
  return { run, answers, seen, hash: planHash(p) };
}

describe('the plan approval gate', () => {
  it('waits in AWAITING_APPROVAL with nothing started, then runs once approved; a repeated request id changes nothing', async () => {
    const hash = HASH;
    const { run, answers, seen } = await gated([
      [HOUR, (u) => steer(u.approve, { requestId: 'r-1', planHash: hash, by: 'ana' })],
      [HOUR + 1, (u) => steer(u.approve, { requestId: 'r-1' })],
    ]);
    expect(seen[0]).toMatchObject({ status: 'AWAITING_APPROVAL', counts: { PENDING: 2, RUNNING: 0 } });
    expect(seen[0]!.budget.spentUsd).toBe('0');
    expect(seen[0]!.approval).toMatchObject({
      gate: 'plan',
      planHash: hash,
      deadline: seen[0]!.approval!.requestedAt + 2 * HOUR,
    });
    expect(answers[0]).toMatchObject({
      applied: true,
      decision: { decision: 'approved', via: 'request', by: 'ana' },
    });
    expect(answers[1]).toMatchObject({
      applied: false,
      requestId: 'r-1',
      decision: { decision: 'approved', by: 'ana' },
    });
    expect(run.trace.filter((e) => e.kind === 'task-start').every((e) => e.at >= run.startedAt + HOUR)).toBe(
      true,
    );
    expect(run.result.outcome).toBe('SUCCEEDED');
  });

  it('refuses a rejection without a reason and an answer for another plan, then ends CANCELLED with the reason given', async () => {
    const { run, answers } = await gated([
      [MIN, (u) => steer(u.reject, { requestId: 'r-1' })],
      [MIN, (u) => steer(u.approve, { requestId: 'r-2', planHash: '0000000000000000' })],
      [MIN, (u) => steer(u.approve, { requestId: 'bad id!' })],
      [2 * MIN, (u) => steer(u.reject, { requestId: 'r-3', reason: 'too many tasks', by: 'ana' })],
    ]);
    expect(answers[0]).toBe('a rejection needs a reason (--reason TEXT)');
    expect(answers[1]).toMatch(/^the plan waiting for approval has hash [0-9a-f]{16}, not 0000000000000000/);
    expect(answers[2]).toMatch(/request id must be/);
    expect(run.result.outcome).toBe('CANCELLED');
    expect(run.result.summary.message).toBe('Build cancelled. Plan rejected by ana: too many tasks.');
    expect(run.trace).toEqual([]);
    expect(run.result.summary.spentUsd).toBe('0');
  });

  it('refuses an answer when nothing waits, naming the state: a build without a gate, and after the gate', async () => {
    const none = await gated([[MIN, (u) => steer(u.approve, { requestId: 'x' })]], {});
    expect(none.answers).toEqual(['nothing is waiting for approval: the build is running']);
    const after = await gated([
      [MIN, (u) => steer(u.approve, { requestId: 'r-1' })],
      [5 * MIN, (u) => steer(u.reject, { requestId: 'r-2', reason: 'late' })],
    ]);
    expect(after.answers[1]).toBe('nothing is waiting for approval: the build is running');
    expect(after.run.result.outcome).toBe('SUCCEEDED');
  });

  it('ends an unanswered gate after timeoutHours: CANCELLED with the reason, or approved when onTimeout says so', async () => {
    const cancelled = await gated([]);
    expect(cancelled.run.result.outcome).toBe('CANCELLED');
    expect(cancelled.run.result.summary.message).toBe(
      'Build cancelled. Plan not approved: nobody approved or rejected the plan within 2 hours (approval.onTimeout: cancel).',
    );
    expect(cancelled.run.endedAt - cancelled.run.startedAt).toBeGreaterThanOrEqual(2 * HOUR);
    const approved = await gated([], { approval: { ...GATE, onTimeout: 'approve' } });
    expect(approved.run.result.outcome).toBe('SUCCEEDED');
    expect(approved.run.trace[0]!.at - approved.run.startedAt).toBeGreaterThanOrEqual(2 * HOUR);
  });

  it('ends CANCELLED when cancelled while waiting, and replays an older history (unpatched) without a gate', async () => {
    const { run } = await gated([[MIN, (_u, h) => h.cancel()]]);
    expect(run.result.summary.message).toBe('Build cancelled. Cancelled while the plan waited for approval.');
    const old = await gated([], { approval: GATE, unpatched: ['approval-gates'] });
    expect(old.run.result.outcome).toBe('SUCCEEDED');
    expect(old.run.endedAt - old.run.startedAt).toBeLessThan(HOUR);
  });
});
