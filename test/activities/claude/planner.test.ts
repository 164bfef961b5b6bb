import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import { FailureClass } from '../../../lib/failures';
import { validatePlan, type PlannedTask } from '../../../lib/plan';
import { reply, startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';

const task = (id: string, dependsOn: string[] = [], files = [`src/${id}.ts`]) => ({
  id,
  title: `Build ${id}`,
  description: `Implement ${id}.`,
  acceptance: [`${id} works`],
  dependsOn,
  files,
});

describe('the Claude planner and AI estimator', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let repo: { dir: string; cleanup: () => void };
  const activities = () =>
    createClaudeActivities({ db, config: testConfig(server.url), apiKey: key, repoRoot: repo.dir });
  const plan = () =>
    activities().planBuild({
      buildId: 'b-plan',
      project: 'shop',
      repoPath: '.',
      specPath: 'SPEC.md',
      planner: 'claude',
    });

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    repo = tempDir();
    writeFileSync(path.join(repo.dir, 'SPEC.md'), '# Shop\n\n## Cart\n- [ ] Add to cart\n- [ ] Checkout\n');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    repo.cleanup();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('turns a valid submit_plan call into a validated plan and returns its cost', async () => {
    server.enqueue(
      toolUse(
        'submit_plan',
        { tasks: [task('cart'), task('checkout', ['cart'])] },
        { usage: { input_tokens: 1000, output_tokens: 500 } },
      ),
    );
    const result = await plan();
    expect(result.plan.source).toBe('claude');
    expect(result.plan.project).toBe('shop');
    expect(result.plan.tasks.map((t: PlannedTask) => [t.id, t.dependsOn])).toEqual([
      ['cart', []],
      ['checkout', ['cart']],
    ]);
    expect(validatePlan(result.plan)).toEqual([]);
    // sonnet: 1000 × $2/M + 500 × $10/M
    expect(result.costUsd).toBe('0.007');
    const body = server.requests[0]!.body;
    expect(body.model).toBe('claude-sonnet-5-5');
    expect(body.tool_choice).toEqual({ type: 'auto' });
    expect(body.tools[0].name).toBe('submit_plan');
    expect(body.tools[0].input_schema.properties.tasks.type).toBe('array');
    expect(body.messages[0].content).toContain('Add to cart');
  });

  it('repairs malformed tool input once by sending the validation errors back', async () => {
    server.enqueue(
      toolUse('submit_plan', '{"tasks": [ {"id": "cart", "title": ', { id: 'msg_bad' }),
      toolUse('submit_plan', { tasks: [task('cart')] }, { id: 'msg_good' }),
    );
    const result = await plan();
    expect(result.plan.tasks.map((t: PlannedTask) => t.id)).toEqual(['cart']);
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!.body.messages;
    expect(repair).toHaveLength(3);
    expect(repair[2].content[0]).toMatchObject({ type: 'tool_result', is_error: true });
    expect(repair[2].content[0].content).toMatch(/invalid/i);
    const rows = await db.prisma.costEntry.findMany({
      where: { idempotencyKey: { in: ['msg_bad', 'msg_good'] } },
    });
    expect(rows).toHaveLength(2);
  });

  it('fails with INVALID_PLAN naming the problems when the repaired answer is still invalid', async () => {
    server.enqueue(
      reply('Here is my plan: first the cart, then checkout.'),
      toolUse('submit_plan', { tasks: [{ id: 'Not An Id' }] }),
    );
    const failure = await failureOf(plan());
    expect(failure.type).toBe(FailureClass.INVALID_PLAN);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/still invalid after one repair/);
    expect(failure.message).toMatch(/tasks\.0\.id/);
    expect(failure.details[0].costUsd).toBe('0.0014');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body.messages[2].content[0].text).toMatch(/No call to the tool "submit_plan"/);
  });

  it('rejects a cyclic plan with validatePlan after one repair attempt', async () => {
    const cyclic = { tasks: [task('a', ['c']), task('b', ['a']), task('c', ['b'])] };
    server.enqueue(toolUse('submit_plan', cyclic), toolUse('submit_plan', cyclic));
    const failure = await failureOf(plan());
    expect(failure.type).toBe(FailureClass.INVALID_PLAN);
    expect(failure.message).toMatch(/Dependency cycle: a -> c -> b -> a/);
    expect(server.requests[1]!.body.messages[2].content[0].content).toMatch(/Dependency cycle/);
  });

  it('rejects an unknown dependency and a duplicate id', async () => {
    const bad = { tasks: [task('a', ['ghost']), task('a')] };
    server.enqueue(toolUse('submit_plan', bad), toolUse('submit_plan', bad));
    const failure = await failureOf(plan());
    expect(failure.message).toMatch(/unknown task "ghost"/);
    expect(failure.message).toMatch(/"a" is used twice/);
  });

  it('estimates every task on the small model and repairs a missing estimate', async () => {
    const tasks = [task('cart') as PlannedTask, task('checkout', ['cart']) as PlannedTask];
    const estimate = (taskId: string) => ({
      taskId,
      level: 'critical',
      score: 90,
      reasons: ['handles payments'],
      recommendedTier: 'opus',
    });
    server.enqueue(
      toolUse('submit_estimates', { estimates: [estimate('checkout')] }),
      toolUse('submit_estimates', {
        estimates: [
          estimate('checkout'),
          { ...estimate('cart'), level: 'simple', score: 10, recommendedTier: 'haiku' },
        ],
      }),
    );
    const result = await activities().estimateComplexity({ buildId: 'b-plan', tasks, mode: 'ai' });
    expect(server.requests[0]!.body.model).toBe('claude-haiku-5-5');
    expect(server.requests[1]!.body.messages[2].content[0].content).toMatch(/task "cart" has no estimate/);
    expect(result.estimates.cart).toEqual({
      level: 'simple',
      score: 10,
      reasons: ['handles payments'],
      recommendedTier: 'haiku',
    });
    expect(result.estimates.checkout?.level).toBe('critical');
    // haiku: 2 × (100 × $0.10/M + 50 × $0.50/M)
    expect(result.costUsd).toBe('0.00007');
  });

  it('plans with the heuristic planner without a key and without calling the API', async () => {
    const offline = createClaudeActivities({
      db,
      config: testConfig(server.url),
      apiKey: undefined,
      repoRoot: repo.dir,
    });
    const result = await offline.planBuild({
      buildId: 'b-h',
      project: 'shop',
      repoPath: '.',
      specPath: 'SPEC.md',
      planner: 'heuristic',
    });
    expect(result.costUsd).toBe('0');
    expect(result.plan).toMatchObject({ source: 'heuristic', project: 'shop' });
    expect(result.plan.tasks.length).toBe(2);
    expect(server.requests).toHaveLength(0);
    const estimates = await offline.estimateComplexity({
      buildId: 'b-h',
      tasks: result.plan.tasks,
      mode: 'heuristic',
    });
    expect(Object.keys(estimates.estimates).sort()).toEqual(
      result.plan.tasks.map((t: PlannedTask) => t.id).sort(),
    );
  });

  it('never puts the key in a request body, a result or a cost row', async () => {
    server.enqueue(toolUse('submit_plan', { tasks: [task('cart')] }));
    const result = await plan();
    const rows = await db.prisma.costEntry.findMany();
    const everything = JSON.stringify({
      result,
      rows: rows.map((r) => ({ ...r, id: String(r.id) })),
      requests: server.requests.map((r) => r.rawBody),
    });
    expect(everything).not.toContain(key);
  });
});
