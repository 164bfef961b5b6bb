import Decimal from 'decimal.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { estimateRow, priceCall, writeEstimate, writeSettled } from '../../activities/claude/cost';
import { recordBuild } from '../../activities/persistence/records';
import { DEFAULT_CATALOG } from '../../lib/models';
import { buildStatus } from '../../services/build-status';
import { createContext } from '../../services/context';
import type { BuildSummary } from '../../workflows/core/types';
import { createTestDatabase, emptyTestDatabase, testTargets, type TestDatabase } from '../helpers/db';

/**
 * `br build status` of an ended build counts the requests on record (issue 27, defect A): a run ended by
 * a cancel reports $0 for the tries it cancelled, though their requests were sent and have cost rows.
 * The status now shows the larger of the run's total and the rows, as `br build continue` carries it.
 * Temporal's address is a closed port: the recorded end answers alone.
 */
const BUILD = 'build-shop-2';

function summary(outcome: BuildSummary['outcome'], spentUsd: string): BuildSummary {
  return {
    outcome,
    message: outcome,
    tasks: { total: 1, PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 1 },
    spentUsd,
    budgetUsd: '5',
    elapsedMs: 60_000,
    failedTasks: [],
    generation: 0,
  };
}

describe.each(testTargets)('the spend of an ended build in its status (%s)', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  beforeEach(() => emptyTestDatabase(db));
  afterAll(() => db.close());

  const ctx = () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'br-status-spend-'));
    return { ...createContext({ cwd, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } }), database: db };
  };

  async function ended(outcome: BuildSummary['outcome'], spentUsd: string) {
    await recordBuild(db, {
      ...{ project: 'shop', specPath: 'spec.md', specHash: 'h', repoPath: '/r', baseBranch: 'main' },
      buildId: BUILD,
      buildBranch: 'br/shop-2',
      status: outcome,
      budgetUsd: '5',
      costUsd: spentUsd,
      parallel: 1,
      taskCount: 1,
      startedAt: 1_000_000,
      finishedAt: 1_060_000,
      summary: { ...summary(outcome, spentUsd) },
    });
    // The cancelled try's first request was answered; its second was lost when the cancel came.
    const scope = (k: number) => ({
      purpose: 'agent' as const,
      requestedModel: 'claude-haiku-5-5',
      buildId: BUILD,
      taskKey: 'a',
      attempt: 1,
      fallbackKey: `${BUILD}/a/1/${k}`,
    });
    const answer = {
      id: 'msg_1',
      model: 'claude-haiku-5-5',
      usage: { input_tokens: 900, output_tokens: 40 },
    };
    const settled = priceCall(DEFAULT_CATALOG, scope(1), answer as never).row;
    await writeSettled(db, settled, `${BUILD}/a/1/1`);
    const lost = estimateRow(DEFAULT_CATALOG, scope(2), { bytes: 3000, maxTokens: 1000 });
    await writeEstimate(db, lost);
    return new Decimal(settled.usd).plus(lost.usd);
  }

  it("shows a cancelled build's requests on record as spent, where its run reported $0", async () => {
    const onRecord = await ended('CANCELLED', '0');
    expect(onRecord.gt(0)).toBe(true);
    const report = await buildStatus(ctx(), BUILD);
    expect(report.status).toBe('CANCELLED');
    expect(report.budget).toMatchObject({
      spentUsd: onRecord.toString(),
      leftUsd: new Decimal(5).minus(onRecord).toString(),
      fractionUsed: onRecord.div(5).toNumber(),
    });
    expect(report.recordedSpend?.unsettledCalls).toBe(1);
  });

  it("keeps the run's total when it is more than the rows on record", async () => {
    await ended('PARTIAL', '0.25');
    const report = await buildStatus(ctx(), BUILD);
    expect(report.budget.spentUsd).toBe('0.25');
  });
});
