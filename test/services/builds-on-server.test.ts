/**
 * Failures on a real Temporal server. A base branch that disappears after `br build start` checked
 * it: with the real heuristic planner and the real git activity, the build ends FAILED after one
 * attempt of ensureBuildBranch, with a BUILD_FAILED event naming the branch and the hint. And the
 * start-time worker check (DescribeTaskQueue) in both directions. Runs on the test run's
 * Temporal dev server (test/helpers/temporal.ts); never skipped in CI.
 */
import { createClaudeActivities } from '../../activities/claude';
import { createGitActivities } from '../../activities/git';
import type { EnsureBuildBranchInput, TelemetryEventInput } from '../../lib/contracts';
import type { Database } from '../../lib/db/connection';
import { FAILURE_CATALOG } from '../../lib/failure-hints';
import { startBuild } from '../../services/builds';
import { createContext } from '../../services/context';
import { startWorkers } from '../../worker/run';
import type { BuildResult } from '../../workflows/core/types';
import { runBr } from '../helpers/cli';
import { describeServer, serverBundle, temporalAddress } from '../helpers/temporal';
import { makeRepo } from '../fixtures/repo';
import { fakeActivities } from '../fixtures/temporal/fake-activities';

let address = '';
beforeAll(() => {
  address = temporalAddress() ?? '';
});

describeServer('a base branch deleted after the build started', () => {
  it('ends the build FAILED after one attempt, with a BUILD_FAILED event naming the branch and the hint', async () => {
    const repo = makeRepo();
    repo.git('branch', 'release');
    repo.write('PROJECT_SPEC.md', `# Shop ${Date.now()}\n## Cart\n- [ ] add items\n`);
    repo.commitAll('spec');
    const queue = `br-test-base-${Date.now()}`;
    const ctx = createContext({ cwd: repo.dir, env: { TEMPORAL_ADDRESS: address } });
    ctx.config.temporal.taskQueue = queue;
    ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;

    // The start checks pass: the branch exists and no worker is polling yet, so nothing has run.
    const started = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md', baseBranch: 'release' });
    expect(started.warnings).toEqual([expect.objectContaining({ code: 'NO_WORKER' })]);
    repo.git('branch', '-D', 'release');

    const events: TelemetryEventInput[] = [];
    let branchAttempts = 0;
    const git = createGitActivities({ config: ctx.config });
    const claude = createClaudeActivities({
      db: undefined as unknown as Database,
      config: ctx.config,
      apiKey: undefined,
      repoRoot: repo.dir,
    });
    const fakes = fakeActivities();
    const workers = await startWorkers(ctx, {
      activities: {
        ...fakes.activities,
        planBuild: claude.planBuild,
        estimateComplexity: claude.estimateComplexity,
        ensureBuildBranch: async (input: EnsureBuildBranchInput) => {
          branchAttempts += 1;
          return git.ensureBuildBranch(input);
        },
        emitEvents: async (batch: TelemetryEventInput[]) => void events.push(...batch),
      },
      workflowBundle: await serverBundle(),
    });
    const { Client, Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address });
    try {
      const handle = new Client({ connection }).workflow.getHandle(started.workflowId);
      const result = (await handle.result()) as BuildResult;
      const hint = FAILURE_CATALOG.BASE_BRANCH_MISSING.hint;
      expect(result.outcome).toBe('FAILED');
      expect(result.summary.failure).toEqual({
        code: 'BASE_BRANCH_MISSING',
        message: expect.stringContaining('Base branch "release" does not exist'),
        hint,
      });
      const failed = events.filter((e) => e.type === 'BUILD_FAILED');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.data).toMatchObject({
        outcome: 'FAILED',
        failureClass: 'BASE_BRANCH_MISSING',
        message: expect.stringContaining('"release"'),
        hint,
      });

      // One attempt: the worker ran it once, and the history has no retry of it.
      expect(branchAttempts).toBe(1);
      const history = await handle.fetchHistory();
      const scheduled = (history.events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ensureBuildBranch',
      );
      expect(scheduled).toHaveLength(1);
      const started2 = (history.events ?? []).find(
        (e) =>
          e.activityTaskStartedEventAttributes &&
          String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled[0]!.eventId),
      );
      expect(started2?.activityTaskStartedEventAttributes?.attempt).toBe(1);

      // The CLI shows the same class, message and hint.
      const cliEnv = { TEMPORAL_ADDRESS: address };
      const json = await runBr(['build', 'status', started.workflowId, '--json'], {
        cwd: repo.dir,
        env: cliEnv,
      });
      expect(JSON.parse(json.stdout).failure).toEqual(result.summary.failure);
      const text = await runBr(['build', 'status', started.workflowId], { cwd: repo.dir, env: cliEnv });
      expect(text.stdout).toContain('BASE_BRANCH_MISSING: Creating the build branch failed');
      expect(text.stdout).toContain(`hint: ${hint}`);
      const logs = await runBr(['build', 'logs', started.workflowId, '--json'], {
        cwd: repo.dir,
        env: cliEnv,
      });
      expect(JSON.parse(logs.stdout)).toContainEqual(
        expect.objectContaining({
          type: 'ACTIVITY_TASK_FAILED',
          failureClass: 'BASE_BRANCH_MISSING',
          detail: expect.stringContaining('"release"'),
          hint,
        }),
      );
      const cancel = await runBr(['build', 'cancel', started.workflowId], { cwd: repo.dir, env: cliEnv });
      expect(cancel.code).toBe(1);
      expect(cancel.stdout + cancel.stderr).toContain('is completed, so it cannot be cancelled.');
    } finally {
      await connection.close();
      await workers.shutdown();
      repo.cleanup();
    }
  }, 120_000);

  it('starts without a warning when a worker polls the task queue', async () => {
    const repo = makeRepo();
    repo.write('PROJECT_SPEC.md', `# Polled ${Date.now()}\n## Cart\n- [ ] add items\n`);
    const queue = `br-test-polled-${Date.now()}`;
    const ctx = createContext({ cwd: repo.dir, env: { TEMPORAL_ADDRESS: address } });
    ctx.config.temporal.taskQueue = queue;
    ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
    const workers = await startWorkers(ctx, {
      activities: fakeActivities().activities,
      workflowBundle: await serverBundle(),
    });
    const { Client, Connection } = await import('@temporalio/client');
    const { temporal } = await import('@temporalio/proto');
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    try {
      // The worker's first poll reaches the server a moment after it starts.
      for (let i = 0; i < 50; i++) {
        const d = await client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: queue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        if (d.pollers?.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = await startBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
      expect(started.warnings).toEqual([]);
      await client.workflow.getHandle(started.workflowId).terminate('test done');
    } finally {
      await connection.close();
      await workers.shutdown();
      repo.cleanup();
    }
  }, 60_000);
});
