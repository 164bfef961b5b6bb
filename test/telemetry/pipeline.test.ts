import { createMaintenanceActivities, createPersistenceActivities } from '../../activities/persistence';
import { parseConfig } from '../../lib/config';
import { createFakeActivities, simulationInput } from '../../lib/simulation/fakes';
import { simulateBuild } from '../../lib/simulation/runtime';
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
      // Task b fails verification twice on its first model: one repair, then an escalation.
      agent: (call) => ({
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
          : {}),
      }),
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
