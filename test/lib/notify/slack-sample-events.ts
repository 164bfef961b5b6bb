import type { NotifyEvent } from '../../../lib/notify/events';

/** One event of each version-1 type, for the Slack formatter and sink tests. */

const buildId = 'build-shop-3f9a2c1d';
const at = '2026-12-07T10:00:00.000Z';
const base = { version: 1 as const, buildId, at };

export function sampleEvents(): NotifyEvent[] {
  return [
    {
      ...base,
      id: `${buildId}/build.started/-`,
      type: 'build.started',
      data: {
        project: 'shop',
        specPath: 'PROJECT_SPEC.md',
        baseBranch: 'main',
        buildBranch: 'br/build-shop-3f9a2c1d',
        repoUrl: 'https://git.example.com/acme/shop.git',
        tasks: 12,
        budgetUsd: '20',
      },
    },
    {
      ...base,
      id: `${buildId}/approval.requested/plan`,
      type: 'approval.requested',
      data: {
        gate: 'plan',
        planHash: 'a1b2c3d4e5f6',
        tasks: 12,
        deadline: '2026-12-08T10:00:00.000Z',
        onTimeout: 'cancel',
        forecastUsd: { low: '3.10', high: '7.80' },
      },
    },
    {
      ...base,
      id: `${buildId}/task.succeeded/t3`,
      type: 'task.succeeded',
      data: {
        taskId: 't3',
        title: 'Add the cart API',
        model: 'claude-sonnet-4-5',
        costUsd: '0.4213',
        commit: 'abcdef0123456789',
      },
    },
    {
      ...base,
      id: `${buildId}/task.failed/t4`,
      type: 'task.failed',
      data: {
        taskId: 't4',
        title: 'Checkout page',
        failureClass: 'HOOK_REJECTED',
        message: 'eslint: 3 problems\nsrc/checkout.ts:12 no-unused-vars',
        costUsd: '0.9',
      },
    },
    {
      ...base,
      id: `${buildId}/build.budget_threshold/100`,
      type: 'build.budget_threshold',
      data: { threshold: 100, spentUsd: '20.01', budgetUsd: '20' },
    },
    {
      ...base,
      id: `${buildId}/build.finished/-`,
      type: 'build.finished',
      data: {
        outcome: 'PARTIAL',
        message: '1 task failed: t4 (HOOK_REJECTED)',
        tasks: { total: 12, succeeded: 10, failed: 1, blocked: 1, cancelled: 0 },
        spentUsd: '6.42',
        durationMs: 3_723_000,
        baseBranch: 'main',
        buildBranch: 'br/build-shop-3f9a2c1d',
        headCommit: '0123456789abcdef',
      },
    },
  ];
}

export function sampleEvent<T extends NotifyEvent['type']>(type: T): Extract<NotifyEvent, { type: T }> {
  const found = sampleEvents().find((e) => e.type === type);
  if (!found) throw new Error(`no sample ${type}`);
  return found as Extract<NotifyEvent, { type: T }>;
}

/** A build.finished whose message lists 200 failed tasks, as a large build's summary would. */
export function finishedWith200Failures(): NotifyEvent {
  const finished = sampleEvent('build.finished');
  const lines = Array.from(
    { length: 200 },
    (_, i) => `t${i + 1}: HOOK_REJECTED: <!channel> eslint found problems in src/module-${i + 1}.ts`,
  );
  return {
    ...finished,
    data: {
      ...finished.data,
      outcome: 'FAILED',
      message: `200 tasks failed:\n${lines.join('\n')}`,
      tasks: { total: 200, succeeded: 0, failed: 200, blocked: 0, cancelled: 0 },
    },
  };
}
