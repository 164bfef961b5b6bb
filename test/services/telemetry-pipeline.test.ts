import { createMaintenanceActivities, createPersistenceActivities } from '../../activities/persistence';
import { parseConfig } from '../../lib/config';
import { calibrationReport } from '../../services/calibration';
import { createFakeActivities, simulationInput, type AgentScript } from '../../workflows/simulation/fakes';
import { simulateBuild } from '../../workflows/simulation/runtime';
import type { Plan } from '../../lib/plan';
import { createTestDatabase, testTargets, type TestDatabase } from '../helpers/db';

const MIN = 60_000;

const plan: Plan = {
  project: 'shop',
  source: 'heuristic',
  tasks: ['a', 'b', 'c', 'd'].map((id, i) => ({
    id,
    title: `Task ${id}`,
    description: `Write src/${id}.ts`,
    acceptance: [],
    dependsOn: i >= 2 ? ['a'] : [],
    files: [`src/${id}.ts`],
  })),
};

/**
 * Every attempt takes 10 minutes and $0.01. Task b fails verification twice on its first model (one
 * repair, then an escalation); `authFails` stops with a non-retryable AUTH failure.
 */
function agent(authFails?: string): AgentScript {
  return (call) => ({
    durationMs: 10 * MIN,
    costUsd: '0.01',
    ...(call.task.id === 'b' && call.attempt <= 2
      ? {
          failure: {
            type: 'VERIFICATION_FAILED',
            stage: 'verify' as const,
            details: { output: 'test failed' },
          },
        }
      : call.task.id === authFails
        ? { failure: { type: 'AUTH', stage: 'agent' as const, message: 'invalid key' } }
        : {}),
  });
}

/**
 * The telemetry the real build and task bodies emit, written by the real persistence activities and
 * rolled up by the real aggregation: what `br metrics` will show for a build.
 */
describe.each(testTargets)('from a build to its metrics on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => void (db = await createTestDatabase(target)));
  afterAll(async () => db.close());

  it('counts started, succeeded and escalated tasks per model, with task durations', async () => {
    const { activities, store } = createFakeActivities({
      plan,
      level: 'simple',
      agent: agent(),
    });
    const run = await simulateBuild({
      input: simulationInput(plan, { buildId: 'build-shop-pipeline' }),
      activities,
    });
    expect(run.result.outcome).toBe('SUCCEEDED');

    const persistence = createPersistenceActivities({ db });
    await persistence.emitEvents([...store.events.values()]);
    for (const attempt of store.attempts) await persistence.recordAttempt(attempt);
    const maintenance = createMaintenanceActivities({ db, config: parseConfig({}), root: process.cwd() });
    await maintenance.aggregateMetrics({ runKey: 'pipeline-test' });

    const day = await db.prisma.metricsBucket.findMany({
      where: { period: 'day' },
      orderBy: { model: 'asc' },
    });
    const all = day.find((b) => b.model === '*')!;
    expect(all).toMatchObject({ tasksStarted: 4, tasksSucceeded: 4, tasksFailed: 0, tasksEscalated: 1 });
    expect(all.taskDurations).toBe(4);
    // Every task took at least its one 10-minute attempt; b took three.
    expect(all.durationP95Ms).toBeGreaterThanOrEqual(30 * MIN);
    expect(all.durationAvgMs).toBeGreaterThan(10 * MIN);
    const perModel = day.filter((b) => b.model !== '*');
    expect(perModel.reduce((n, b) => n + b.tasksStarted, 0)).toBe(4);
    expect(perModel.reduce((n, b) => n + b.tasksSucceeded, 0)).toBe(4);
  });
});

describe.each(testTargets)('estimate calibration on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => void (db = await createTestDatabase(target)));
  afterAll(async () => db.close());

  async function persistBuild(buildId: string, level: 'simple' | 'complex', failTask?: string) {
    const { activities, store } = createFakeActivities({
      plan,
      level,
      agent: agent(failTask),
    });
    await simulateBuild({ input: simulationInput(plan, { buildId }), activities });
    const persistence = createPersistenceActivities({ db });
    await persistence.emitEvents([...store.events.values()]);
    for (const attempt of store.attempts) await persistence.recordAttempt(attempt);
    await db.prisma.costEntry.createMany({
      data: store.agentCalls.map((c) => ({
        idempotencyKey: `${buildId}/${c.taskId}/${c.attempt}`,
        buildId,
        taskKey: c.taskId,
        attempt: c.attempt,
        purpose: 'agent',
        requestedModel: c.model,
        model: c.model,
        priceTableVersion: 'test',
        inputTokens: 1000,
        outputTokens: 100,
        cacheReadTokens: 500,
        usd: '0.01',
      })),
    });
    return store;
  }

  it('groups tasks by estimated level with their outcomes, attempts, escalations and spend', async () => {
    const simple = await persistBuild('build-cal-simple', 'simple');
    const complex = await persistBuild('build-cal-complex', 'complex', 'd');
    const report = await calibrationReport(db);
    const byLevel = Object.fromEntries(report.levels.map((r) => [r.level, r]));
    expect(report.levels.map((r) => r.level)).toEqual(['simple', 'complex']);
    expect(byLevel.simple).toMatchObject({
      tasks: 4,
      succeeded: 4,
      failed: 0,
      successRate: 1,
      attempts: simple.attempts.length,
      escalations: 1,
      inputTokens: String(1500 * simple.agentCalls.length),
      outputTokens: String(100 * simple.agentCalls.length),
    });
    expect(Number(byLevel.simple!.costUsd)).toBeCloseTo(0.01 * simple.agentCalls.length, 10);
    expect(byLevel.complex).toMatchObject({ tasks: 4, succeeded: 3, failed: 1, successRate: 0.75 });
    expect(byLevel.complex!.attempts).toBe(complex.attempts.length);

    const one = await calibrationReport(db, { buildId: 'build-cal-simple' });
    expect(one.levels).toHaveLength(1);
  });
});
