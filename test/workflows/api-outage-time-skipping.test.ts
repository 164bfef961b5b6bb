/**
 * An API outage at the scale (issue 27): every request fails for 10 minutes of server time, then
 * the API recovers. A real build (real activities, git, verification, the embedded database, the
 * Anthropic client against the scripted server) runs on Temporal's time-skipping test server. The
 * scripted server answers 529 on every model until the server's clock (asked at each request) has
 * passed 10 minutes after the first request. The outage waits are workflow timers (fallback.ts /
 * outage.ts), which the test server skips once every activity has finished; while an activity runs
 * the server holds its clock, so activities, their heartbeats and the requests run in real time.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { prepareBuild } from '../../services/builds';
import { createContext } from '../../services/context';
import { INSTALL_HINT, locateTemporalBinary } from '../../services/temporal-binaries';
import type { BuildResult } from '../../workflows/core/types';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { errors, type RecordedRequest } from '../fixtures/anthropic-server';
import { describeServer, serverBundle, startTimeSkipping } from '../helpers/temporal';
import { setupRealBuild, taskOf, type RealBuild } from '../fixtures/temporal/real-build';

const OUTAGE_MS = 10 * 60_000;
const available = Boolean(locateTemporalBinary('test-server'));
if (!available) process.env.BR_TEST_TEMPORAL_SKIP ??= `no \`temporal-test-server\` found: ${INSTALL_HINT}`;

const THREE_TASK_SPEC = `# Outage

## Alpha

- [ ] Add \`src/alpha.js\`

## Beta

- [ ] Add \`src/beta.js\`

## Gamma

- [ ] Add \`src/gamma.js\`
`;

describeServer(
  'an API outage on every model for 10 minutes of server time',
  () => {
    let env: TestWorkflowEnvironment;
    let build: RealBuild;
    let workers: RunningWorkers | undefined;
    let outageStart: number | undefined;
    const seen: { task: string | null; model: string; at: number; refused: boolean }[] = [];

    beforeAll(async () => {
      env = (await startTimeSkipping())!;
      build = await setupRealBuild({
        database: 'embedded',
        config: { routing: { maxAttemptsPerTask: 2 } },
        answer: async (request: RecordedRequest) => {
          const at = await env.currentTimeMs();
          outageStart ??= at;
          const refused = at - outageStart < OUTAGE_MS;
          seen.push({ task: taskOf(request), model: String(request.body?.model), at, refused });
          return refused ? errors.overloaded() : undefined;
        },
      });
      writeFileSync(
        path.join(build.repo, 'PROJECT_SPEC.md'),
        `${THREE_TASK_SPEC}\n## Notes\n\nTest run ${build.taskQueue}.\n`,
      );
      build.env.TEMPORAL_ADDRESS = env.address;
      const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...build.env } });
      workers = await startWorkers(ctx, { workflowBundle: await serverBundle() });
    }, 180_000);

    afterAll(async () => {
      await workers?.shutdown();
      await build?.close();
      await env?.teardown();
    });

    it('is waited out on workflow time: the build succeeds, every task on its first model, none failed', async () => {
      const wallStart = Date.now();
      // As `br build start` makes it (its worker check asks DescribeTaskQueue, which the test server lacks).
      const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
      const input = prepareBuild(createContext({ cwd: build.repo, env: cliEnv }), {
        specPath: 'PROJECT_SPEC.md',
        budgetUsd: '5',
        parallel: 3,
        planner: 'heuristic',
      });
      const buildId = input.buildId;
      await env.client.workflow.start('buildWorkflow', {
        workflowId: buildId,
        taskQueue: build.taskQueue,
        args: [input],
        memo: { modelTaskQueuePrefix: `${build.taskQueue}-claude-` },
      });
      // The time-skipping client lets the server skip time while it waits for the result.
      const result = (await env.client.workflow.getHandle(buildId).result()) as BuildResult;
      const wallMs = Date.now() - wallStart;

      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 3, FAILED: 0 });
      const refused = seen.filter((s) => s.refused);
      const answered = seen.filter((s) => !s.refused);
      // The outage spanned 10 minutes of server time, and nothing got through before its end.
      expect(Math.min(...answered.map((s) => s.at)) - outageStart!).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(refused.length).toBeGreaterThanOrEqual(3 * 5);

      // Each task's request that got through went to the model its first request asked for.
      const byTask = new Map<string, typeof seen>();
      for (const s of seen) if (s.task) byTask.set(s.task, [...(byTask.get(s.task) ?? []), s]);
      expect(byTask.size).toBe(3);
      for (const [task, requests] of byTask)
        expect([task, requests.find((r) => !r.refused)!.model]).toEqual([task, requests[0]!.model]);

      const db = await build.db();
      const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
      expect(attempts.filter((a) => a.outcome === 'SUCCEEDED')).toHaveLength(3);
      const waits = attempts.filter((a) => a.decision?.startsWith('API unavailable'));
      expect(waits.length).toBeGreaterThan(0);
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      expect(rows).toHaveLength(build.anthropic.requests.length);
      expect(rows.filter((r) => r.settled && Number(r.usd) === 0)).toHaveLength(refused.length);
      console.log(
        `API outage of ${OUTAGE_MS / 60_000} min server time: ${refused.length} requests answered 529, ` +
          `${waits.length} waits (last: "${waits.at(-1)!.decision}"), build done in ${(wallMs / 1000).toFixed(1)} s wall time`,
      );
    }, 300_000);
  },
  { available },
);
