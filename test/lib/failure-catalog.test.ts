import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../activities/failure';
import { FAILURE_CATALOG, type FailurePolicy } from '../../lib/failure-hints';
import { FailureClass, NON_RETRYABLE } from '../../lib/failures';
import { DEFAULT_CATALOG, type ModelCatalog } from '../../lib/models';
import type { BuildBackend } from '../../services/build-backend';
import type { ProgressSnapshot } from '../../services/build-types';
import { DOMAIN_FAILURES, GIT, LOCAL } from '../../workflows/activity-profiles';
import { decideFallback, initialFallbackState, type FallbackAction } from '../../workflows/core/fallback';
import { runBr } from '../helpers/cli';

const CLASSES = Object.values(FailureClass);
const SONNET = 'claude-sonnet-5-5';

/** The default models, with Sonnet's window smaller than Opus's so "a larger context" exists. */
const catalog: ModelCatalog = {
  ...DEFAULT_CATALOG,
  models: DEFAULT_CATALOG.models.map((m) => (m.id === SONNET ? { ...m, contextWindow: 200_000 } : m)),
};

const POLICY_OF: Record<FallbackAction, FailurePolicy> = {
  'retry-same-model': 'retry',
  'switch-model': 'fallback',
  repair: 'fallback',
  'grow-share': 'fallback',
  'wait-for-breaker': 'wait',
  resolve: 'retry',
  redo: 'retry',
  stop: 'stop',
};

function snapshotWith(failureClass: FailureClass): ProgressSnapshot {
  const counts = { PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 1, BLOCKED: 0, CANCELLED: 0 };
  return {
    buildId: 'build-shop-1a2b3c4d',
    status: 'FAILED',
    paused: false,
    tasks: [
      {
        id: 'cart',
        title: 'Cart',
        state: 'FAILED',
        attempts: 1,
        costUsd: '0.10',
        failureClass,
        error: `the ${failureClass} message`,
      },
    ],
    counts,
    budget: {
      limitUsd: '5',
      spentUsd: '0.10',
      reservedUsd: '0',
      leftUsd: '4.90',
      fractionUsed: 0.02,
      breaker: 'closed',
    },
    startedAt: 0,
    now: 60_000,
    elapsedMs: 60_000,
    alerts: [],
    generation: 0,
  };
}

/** Serves one fixed snapshot and log line: the CLI and the services around it are the real ones. */
function backendShowing(failureClass: FailureClass): BuildBackend {
  const unused = () => Promise.reject(new Error('not used by this test'));
  return {
    start: unused,
    list: unused,
    signal: unused,
    raiseBudget: unused,
    progress: async () => ({ ...snapshotWith(failureClass), webUiUrl: 'sim://builds/x' }),
    logs: async () => [
      {
        eventId: 7,
        time: '2026-01-01T12:01:00.000Z',
        type: 'ACTIVITY_TASK_FAILED',
        detail: `activity failed: ${failureClass} the message`,
        failureClass,
      },
    ],
  };
}

describe.each(CLASSES)('failure class %s', (type) => {
  const entry = FAILURE_CATALOG[type];

  it('has a cause, what BuildRunner does, and a hint that says what to do next', () => {
    expect(entry.cause.length).toBeGreaterThan(15);
    expect(entry.action.length).toBeGreaterThan(10);
    expect(entry.hint.length).toBeGreaterThan(15);
  });

  it('is retried exactly as the catalog says', () => {
    // Temporal: a user-fixable class is marked non-retryable by the helper every activity uses, and no
    // profile retries any class in the SDK (the workflow decides).
    const thrown = failure(type, 'message');
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown.type).toBe(type);
    expect(thrown.nonRetryable).toBe(entry.policy === 'stop');
    expect(NON_RETRYABLE.includes(type)).toBe(entry.policy === 'stop');
    expect(DOMAIN_FAILURES).toContain(type);
    expect(GIT.retry?.nonRetryableErrorTypes).toContain(type);
    expect(LOCAL.retry?.nonRetryableErrorTypes).toContain(type);
    // The workflow: the first decision after a failed try on a middle-tier model.
    const { decision } = decideFallback({
      type,
      state: initialFallbackState(SONNET, 'moderate'),
      catalog,
      maxAttempts: 4,
    });
    expect(POLICY_OF[decision.action]).toBe(entry.policy);
  });

  it('is shown with its hint by br build status, watch and logs, in text and in JSON', async () => {
    const services = { builds: backendShowing(type) };
    const text = await runBr(['build', 'status', 'build-shop-1a2b3c4d'], { services });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${type}: ${entry.hint}`);
    const json = await runBr(['build', 'status', 'build-shop-1a2b3c4d', '--json'], { services });
    expect(JSON.parse(json.stdout).tasks[0]).toMatchObject({ failureClass: type, hint: entry.hint });
    const watch = await runBr(['build', 'watch', 'build-shop-1a2b3c4d'], { services });
    expect(watch.code).toBe(1);
    expect(watch.stdout).toContain(`failure=${type}`);
    expect(watch.stdout).toContain(`hint: ${entry.hint}`);
    const watchJson = await runBr(['build', 'watch', 'build-shop-1a2b3c4d', '--json'], { services });
    const events = watchJson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.find((e) => e.type === 'task')).toMatchObject({ failureClass: type, hint: entry.hint });
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'FAILED' });
    const logs = await runBr(['build', 'logs', 'build-shop-1a2b3c4d'], { services });
    expect(logs.stdout).toContain(`hint: ${entry.hint}`);
    const logsJson = await runBr(['build', 'logs', 'build-shop-1a2b3c4d', '--json'], { services });
    expect(JSON.parse(logsJson.stdout)[0]).toMatchObject({ failureClass: type, hint: entry.hint });
  });
});

describe('the failure catalog', () => {
  it('covers every failure class and nothing else', () => {
    expect(Object.keys(FAILURE_CATALOG).sort()).toEqual([...CLASSES].sort());
  });

  it('is the table in the README, row for row', () => {
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    for (const [type, e] of Object.entries(FAILURE_CATALOG))
      expect(readme).toContain(`| \`${type}\` | ${e.cause} | ${e.policy}: ${e.action} | ${e.hint} |`);
  });
});
