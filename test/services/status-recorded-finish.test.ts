import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordBuild, recordTask } from '../../activities/persistence/records';
import { buildStatus } from '../../services/build-status';
import { createContext } from '../../services/context';
import type { BuildSummary } from '../../workflows/core/types';
import { createTestDatabase, emptyTestDatabase, testTargets, type TestDatabase } from '../helpers/db';

/**
 * `br build status` of a build whose end is recorded answers from the database alone: here Temporal's
 * address is a closed port, so any call to it would fail the read.
 */
const summary: BuildSummary = {
  outcome: 'PARTIAL',
  message: '1 of 2 tasks succeeded',
  tasks: { total: 2, PENDING: 0, RUNNING: 0, SUCCEEDED: 1, FAILED: 1, BLOCKED: 0, CANCELLED: 0 },
  spentUsd: '0.25',
  budgetUsd: '5',
  elapsedMs: 90_000,
  failedTasks: [{ id: 'b', error: 'tests failed' }],
  generation: 2,
};

const base = { project: 'shop', specPath: 'spec.md', specHash: 'h', repoPath: '/r', baseBranch: 'main' };

describe.each(testTargets)('the status of a finished build from its records (%s)', (target) => {
  // One database for the file, emptied before each test.
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  beforeEach(() => emptyTestDatabase(db));
  afterAll(() => db.close());

  const ctxWith = () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-status-recorded-'));
    return { ...createContext({ cwd, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } }), database: db };
  };

  async function record(status: string, withSummary: boolean) {
    await recordBuild(db, {
      ...base,
      buildId: 'build-shop-1',
      buildBranch: 'br/shop-1',
      status,
      budgetUsd: '5',
      costUsd: '0.25',
      parallel: 3,
      taskCount: 2,
      startedAt: 1_000_000,
      ...(withSummary ? { finishedAt: 1_090_000, summary: { ...summary } } : {}),
    });
    for (const [id, state, at] of [
      ['a', 'SUCCEEDED', 1_010_000],
      ['b', 'FAILED', 1_020_000],
    ] as const)
      await recordTask(db, {
        buildId: 'build-shop-1',
        taskId: id,
        title: `task ${id}`,
        status: state,
        attempts: 1,
        costUsd: '0.125',
        dependsOn: id === 'b' ? ['a'] : [],
        files: [],
        startedAt: at,
        finishedAt: at + 5000,
        ...(state === 'FAILED' ? { error: 'tests failed' } : {}),
      });
  }

  it('answers with the recorded outcome, totals and tasks, without Temporal', async () => {
    await record('PARTIAL', true);
    const report = await buildStatus(ctxWith(), 'build-shop-1');
    expect(report).toMatchObject({
      buildId: 'build-shop-1',
      status: 'PARTIAL',
      paused: false,
      counts: { SUCCEEDED: 1, FAILED: 1, PENDING: 0, RUNNING: 0 },
      budget: { limitUsd: '5', spentUsd: '0.25', leftUsd: '4.75', reservedUsd: '0', breaker: 'closed' },
      now: 1_090_000,
      startedAt: 1_000_000,
      elapsedMs: 90_000,
      generation: 2,
      forecast: null,
      parallel: 3,
    });
    expect(report.tasks.map((t) => [t.id, t.state, t.costUsd, t.dependsOn])).toEqual([
      ['a', 'SUCCEEDED', '0.125', []],
      ['b', 'FAILED', '0.125', ['a']],
    ]);
    expect(report.tasks[1]).toMatchObject({
      error: 'tests failed',
      startedAt: 1_020_000,
      finishedAt: 1_025_000,
    });
  });

  it('asks Temporal when the rows hold no recorded end (here: unreachable)', async () => {
    await record('RUNNING', false);
    await expect(buildStatus(ctxWith(), 'build-shop-1')).rejects.toThrow(/Temporal/);
  });
});
