import { approvalLines, deliveryLines } from '../../../cli/render/approval';
import type { ApprovalProgress } from '../../../lib/approval';

const target = { mode: 'merge' as const, buildBranch: 'br/build-x', baseBranch: 'main' };

describe('the delivery in `br build status`', () => {
  it('shows a waiting delivery gate with what it merges, the commands and the Web UI link', () => {
    const gate: ApprovalProgress = {
      gate: 'delivery',
      planHash: '0123456789abcdef',
      requestedAt: 0,
      deadline: 2 * 3600_000,
      onTimeout: 'cancel',
      delivery: target,
      ask: {
        webUiUrl: 'http://ui.example/namespaces/default/workflows/build-x',
        status: 'br build status build-x',
        approve: 'br build approve build-x --plan-hash 0123456789abcdef',
        reject: 'br build reject build-x --reason TEXT',
      },
    };
    expect(approvalLines('build-x', gate, 0)).toEqual([
      'Waiting for approval to merge br/build-x into main (plan hash 0123456789abcdef); every task is done, nothing is delivered until then.',
      '  Approve: br build approve build-x --plan-hash 0123456789abcdef',
      '  Reject:  br build reject build-x --reason TEXT',
      '  Unanswered in 2.0 h (1970-01-01T02:00:00.000Z), it is cancelled.',
      '  Web UI:  http://ui.example/namespaces/default/workflows/build-x',
    ]);
  });

  it('says what was delivered, or why not and that the branch keeps the tasks', () => {
    expect(
      deliveryLines({
        ...target,
        state: 'delivered',
        outcome: { how: 'merge-commit', commit: 'a'.repeat(40), where: 'checkout', checkout: '/repo' },
      }),
    ).toEqual([`Merged br/build-x into main in /repo (merge commit, ${'a'.repeat(12)}).`]);
    expect(deliveryLines({ ...target, state: 'refused', reason: 'it conflicts in a.txt.' })).toEqual([
      'Not delivered: it conflicts in a.txt. br/build-x keeps every task.',
    ]);
    expect(deliveryLines({ ...target, state: 'awaiting-approval' })).toEqual([]);
    expect(deliveryLines(undefined)).toEqual([]);
  });
});
