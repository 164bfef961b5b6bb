import Decimal from 'decimal.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import { FailureClass } from '../../../lib/failures';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { createTestDatabase, testTargets, type TestDatabase } from '../../helpers/db';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';

const validPlan = {
  tasks: [
    {
      id: 'cart',
      title: 'Cart',
      description: 'Cart.',
      acceptance: ['works'],
      dependsOn: [],
      files: ['cart.ts'],
    },
  ],
};

describe.each(testTargets)('cost accounting on %s', (target) => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let repo: { dir: string; cleanup: () => void };
  const plan = (model: string, buildId = 'b-cost') =>
    createClaudeActivities({ db, config: testConfig(server.url), apiKey: key, repoRoot: repo.dir }).planBuild(
      {
        buildId,
        project: 'shop',
        repoPath: '.',
        specPath: 'SPEC.md',
        planner: 'claude',
        model,
      },
    );
  const rows = (buildId: string) =>
    db.prisma.costEntry.findMany({ where: { buildId }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase(target);
    repo = tempDir();
    writeFileSync(path.join(repo.dir, 'SPEC.md'), '# Shop\n- [ ] Cart\n');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    repo.cleanup();
  });

  it('prices input, output, cache writes and cache reads exactly and records the served model', async () => {
    server.enqueue(
      toolUse('submit_plan', validPlan, {
        id: 'msg_exact',
        model: 'claude-opus-5-5-20261007',
        usage: {
          input_tokens: 1234,
          output_tokens: 567,
          cache_creation_input_tokens: 8910,
          cache_read_input_tokens: 111213,
        },
      }),
    );
    const result = await plan('claude-opus-5-5', 'b-exact');
    // 1234 × 4 + 567 × 20 + 8910 × 5 + 111213 × 0.20 = 83068.6 micro-dollars
    expect(result.costUsd).toBe('0.0830686');
    const [row] = await rows('b-exact');
    expect(row).toMatchObject({
      idempotencyKey: 'msg_exact',
      purpose: 'plan',
      requestedModel: 'claude-opus-5-5',
      model: 'claude-opus-5-5-20261007',
      priceTableVersion: 'anthropic-2026-10-07',
      inputTokens: 1234,
      outputTokens: 567,
      cacheWriteTokens: 8910,
      cacheReadTokens: 111213,
    });
    expect(new Decimal(row!.usd.toString()).equals('0.0830686')).toBe(true);
  });

  it('prices the whole request at the long-context band above the threshold', async () => {
    server.enqueue(
      toolUse('submit_plan', validPlan, {
        usage: { input_tokens: 60_000, output_tokens: 1000, cache_read_input_tokens: 40_001 },
      }),
    );
    const result = await plan('claude-haiku-5-5', 'b-long');
    // prompt 100,001 > 100,000: 60000 × 0.50 + 1000 × 2.50 + 40001 × 0.05 = 34500.05 micro-dollars
    expect(result.costUsd).toBe('0.03450005');
  });

  it('leaves one row per call when the same activity runs twice with the same message ids', async () => {
    const script = () => [
      toolUse('submit_plan', 'not json', { id: 'msg_retry_1' }),
      toolUse('submit_plan', validPlan, { id: 'msg_retry_2' }),
    ];
    server.enqueue(...script(), ...script());
    const first = await plan('claude-sonnet-5-5', 'b-retry');
    const second = await plan('claude-sonnet-5-5', 'b-retry');
    expect(second.costUsd).toBe(first.costUsd);
    const recorded = await rows('b-retry');
    expect(recorded.map((r) => r.idempotencyKey)).toEqual(['msg_retry_1', 'msg_retry_2']);
    const total = recorded.reduce((sum, r) => sum.plus(r.usd.toString()), new Decimal(0));
    expect(total.toFixed()).toBe(first.costUsd);
  });

  it('fails closed on a served model missing from the price table, recording that call at the requested model price and carrying its cost', async () => {
    server.enqueue(
      toolUse('submit_plan', 'broken', { id: 'msg_known' }),
      toolUse('submit_plan', validPlan, {
        id: 'msg_unknown',
        model: 'claude-mystery-9',
        usage: { input_tokens: 1000, output_tokens: 300, cache_read_input_tokens: 5000 },
      }),
    );
    const failure = await failureOf(plan('claude-sonnet-5-5', 'b-unknown'));
    expect(failure.type).toBe(FailureClass.INVALID_REQUEST);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/claude-mystery-9.*not in the price table/);
    expect(failure.message).toContain('add it to "models" in buildrunner.config.json');
    expect(failure.message).toContain('recorded at "claude-sonnet-5-5" prices');
    // sonnet-5-5: 1000 × 2 + 300 × 10 + 5000 × 0.20 = 6000 micro-dollars, after the first call's 0.0007
    expect(failure.details[0].costUsd).toBe('0.0067');
    const recorded = await rows('b-unknown');
    expect(recorded.map((r) => r.idempotencyKey)).toEqual(['msg_known', 'msg_unknown']);
    expect(recorded[0]!.priceTableVersion).toBe('anthropic-2026-10-07');
    expect(recorded[1]).toMatchObject({
      requestedModel: 'claude-sonnet-5-5',
      model: 'claude-mystery-9',
      priceTableVersion: 'anthropic-2026-10-07+requested-model-price',
      inputTokens: 1000,
      outputTokens: 300,
      cacheReadTokens: 5000,
    });
    expect(new Decimal(recorded[1]!.usd.toString()).equals('0.006')).toBe(true);
  });

  it('records the unpriced served model once when the failing activity is run again with the same message id', async () => {
    const script = () =>
      toolUse('submit_plan', validPlan, { id: 'msg_unknown_again', model: 'claude-mystery-9' });
    server.enqueue(script(), script());
    const first = await failureOf(plan('claude-haiku-5-5', 'b-unknown-again'));
    const second = await failureOf(plan('claude-haiku-5-5', 'b-unknown-again'));
    expect(second.details[0].costUsd).toBe(first.details[0].costUsd);
    expect(new Decimal(first.details[0].costUsd!).greaterThan(0)).toBe(true);
    const recorded = await rows('b-unknown-again');
    expect(recorded).toHaveLength(1);
    expect(new Decimal(recorded[0]!.usd.toString()).toFixed()).toBe(first.details[0].costUsd);
  });

  it('refuses to call a requested model that has no price before spending anything', async () => {
    const before = server.requests.length;
    const failure = await failureOf(plan('gpt-unpriced', 'b-unpriced'));
    expect(failure.type).toBe(FailureClass.INVALID_REQUEST);
    expect(failure.nonRetryable).toBe(true);
    expect(server.requests.length).toBe(before);
  });
});
