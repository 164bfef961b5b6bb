/**
 * Issue 35, a build that plans itself when Claude refuses the plan request (401): the build ends with a
 * status that says why, a start after it pays for nothing, and the API key is nowhere in the build's
 * history (input, activity inputs, failures). Real dev server, real worker, scripted Anthropic server.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../activities/claude';
import { startBuildFromSpec } from '../../services/build-start';
import { createContext, type ServiceContext } from '../../services/context';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { errors, startFakeAnthropic, type FakeAnthropic } from '../fixtures/anthropic-server';
import { makeTestKey } from '../fixtures/claude';
import { exampleRepo } from '../fixtures/mcp/support';
import { fakeActivities } from '../fixtures/temporal/fake-activities';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';

describeServer('a build whose plan request is refused', () => {
  let anthropic: FakeAnthropic;
  let db: TestDatabase;
  let workers: RunningWorkers | undefined;
  let ctx: ServiceContext;
  const key = makeTestKey();
  const taskQueue = uniqueQueue('br-planfail');
  const planRequests = () =>
    anthropic.requests.filter((r) => JSON.stringify(r.body?.tools ?? []).includes('submit_plan')).length;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    const repo = exampleRepo({
      project: 'planfail',
      temporal: { address: serverAddress(), taskQueue, modelTaskQueuePrefix: `${taskQueue}-c-` },
    });
    appendFileSync(path.join(repo, 'PROJECT_SPEC.md'), `\n## Notes\n\nRun ${Date.now()}.\n`);
    const env = { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: anthropic.url, DATABASE_URL: '' };
    ctx = createContext({ cwd: repo, env: { ...env } });
    db = await createTestDatabase('pglite');
    const claude = createClaudeActivities({ db, config: ctx.config, apiKey: key, repoRoot: repo });
    workers = await startWorkers(ctx, {
      activities: { ...fakeActivities(50).activities, planBuild: claude.planBuild },
      workflowBundle: await serverBundle(),
    });
  }, 180_000);
  afterAll(async () => {
    await workers?.shutdown();
    await db?.close();
    await anthropic?.close();
  });

  it('ends saying why, a retry pays nothing, and the key is not in the history', async () => {
    anthropic.enqueue(errors.unauthorized());
    const start = async () => (await startBuildFromSpec(ctx, { specPath: 'PROJECT_SPEC.md' })).summary;
    const first = await start();
    expect(first).toMatchObject({ state: 'started', planner: 'claude', planSource: 'in-build' });
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(first.buildId);
      const result = (await handle.result()) as { outcome: string };
      expect(result.outcome).not.toBe('SUCCEEDED');
      expect(planRequests()).toBe(1);
      const history = JSON.stringify(await handle.fetchHistory());
      expect(history).not.toContain(key);
      expect(history).not.toContain(key.slice(-12));

      for (let i = 0; i < 50 && (await handle.describe()).status.name === 'RUNNING'; i++)
        await new Promise((r) => setTimeout(r, 100));
      const again = await start();
      expect(again).toMatchObject({ buildId: first.buildId, state: 'ended', outcome: result.outcome });
      expect(again.next).toContain(`br build status ${first.buildId}`);
      expect(planRequests()).toBe(1);
      const { getProgress } = await import('../../services/builds');
      const status = await getProgress(ctx, first.buildId);
      expect(JSON.stringify(status)).toMatch(/authenticat|API key/i);
    } finally {
      await close();
    }
  }, 120_000);
});
