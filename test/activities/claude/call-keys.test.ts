/**
 * Every Claude request has a cost row of its own (issue 27). Outside a worker (`br plan`) nothing
 * named the run, so two runs of the same plan shared one key: the second estimate was not written
 * while its request was in flight, and an answer without a message id collapsed into the first row.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createClaudeActivities } from '../../../activities/claude';
import { callKeyPrefix } from '../../../activities/claude/activity-context';
import type { PlannedTask } from '../../../lib/plan';
import { errors, startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { makeTestKey, tempDir, testConfig } from '../../fixtures/claude';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

const tasks: PlannedTask[] = [
  {
    id: 'cart',
    title: 'Cart',
    description: 'Add to cart.',
    acceptance: ['works'],
    dependsOn: [],
    files: ['cart.js'],
  },
];
const answer = (id?: string) =>
  toolUse(
    'submit_estimates',
    {
      estimates: [
        { taskId: 'cart', level: 'simple', score: 10, reasons: ['small'], recommendedTier: 'haiku' },
      ],
    },
    id === undefined ? {} : { id },
  );

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('cost-row keys of Claude calls', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let repo: { dir: string; cleanup: () => void };
  // What `br plan --ai-estimate` runs, outside any worker: the build id is the plan's hash.
  const estimate = (buildId: string) =>
    createClaudeActivities({
      db,
      config: testConfig(server.url, { anthropic: { baseUrl: server.url, timeoutMs: 20_000 } }),
      apiKey: key,
      repoRoot: repo.dir,
    }).estimateComplexity({ buildId, tasks, mode: 'ai' });
  const rows = (buildId: string) =>
    db.prisma.costEntry.findMany({ where: { buildId }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    repo = tempDir();
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    repo.cleanup();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('gives two plan runs of the same plan, in flight at once, a row each before they are answered', async () => {
    server.enqueue(errors.slow(1500, answer()), errors.slow(1500, answer()));
    const first = estimate('plan-same');
    const second = estimate('plan-same');
    const pending = await until('both requests and their rows', async () => {
      const found = await rows('plan-same');
      return server.requests.length === 2 && found.length === 2 ? found : undefined;
    });
    expect(pending.every((r) => !r.settled)).toBe(true);
    await Promise.all([first, second]);
    const after = await rows('plan-same');
    expect(after).toHaveLength(2);
    expect(after.every((r) => r.settled)).toBe(true);
  });

  it('keeps two answers without a message id apart: each billed request has its own row', async () => {
    server.enqueue(answer(''));
    const one = await estimate('plan-no-id');
    server.enqueue(answer(''));
    const two = await estimate('plan-no-id');
    const after = await rows('plan-no-id');
    expect(server.requests).toHaveLength(2);
    expect(after).toHaveLength(2);
    expect(after.every((r) => r.settled)).toBe(true);
    expect(after.reduce((a, r) => a + Number(r.usd), 0)).toBeCloseTo(
      Number(one.costUsd) + Number(two.costUsd),
      10,
    );
  });

  it('names each call of one activity try apart, and stays on the try when a call is made again', async () => {
    const env = new MockActivityEnvironment({ attempt: 3, activityId: 'resolve-7' });
    const keys = await env.run(async () => [callKeyPrefix('local'), callKeyPrefix('local')]);
    const { workflowId, runId } = env.context.info.workflowExecution!;
    expect(keys).toEqual([`${workflowId}/${runId}/resolve-7/3`, `${workflowId}/${runId}/resolve-7/3/c2`]);
    const outside = [callKeyPrefix('b/plan'), callKeyPrefix('b/plan')];
    expect(new Set(outside).size).toBe(2);
    expect(outside.every((k) => k.startsWith('b/plan/run-'))).toBe(true);
  });
});
