/**
 * quality.gate on the run's real Temporal dev server: `br build start --watch` on the example
 * repository with real activities and workers, one task whose first change holds a secret. The gate
 * (`br quality gate` in the task's worktree, in bubblewrap) refuses it, the repair attempt is told why,
 * and the build succeeds with every task merged.
 */
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { createContext } from '../../services/context';
import { taskWorkflowId } from '../../workflows/core/port';
import { fakeGithubToken } from '../fixtures/hooks';
import { runBr } from '../helpers/cli';
import { connectClient, describeServer, serverBundle } from '../helpers/temporal';
import { setupRealBuild, type RealBuild } from '../fixtures/temporal/real-build';

const SECRET = fakeGithubToken();

describeServer('a build with quality.gate on the real server', () => {
  let build: RealBuild;
  let workers: RunningWorkers;
  const savedFromSource = process.env.BR_FROM_SOURCE;

  beforeAll(async () => {
    // The gate runs `br quality gate` in the sandbox: from these sources, not a dist/ built before them.
    process.env.BR_FROM_SOURCE = '1';
    build = await setupRealBuild({
      database: 'embedded',
      config: { quality: { gate: { measure: ['secrets'], threshold: 100 } } },
      noteContent: (task, prompt) =>
        task === 'docs-1' && !prompt.includes('Quality gate FAILED')
          ? `token = "${SECRET}"\n`
          : `notes for ${task}\n`,
    });
    const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...build.env } });
    workers = await startWorkers(ctx, { workflowBundle: await serverBundle() });
  }, 240_000);

  afterAll(async () => {
    await workers?.shutdown();
    await build?.close();
    if (savedFromSource === undefined) delete process.env.BR_FROM_SOURCE;
    else process.env.BR_FROM_SOURCE = savedFromSource;
  });

  // @req R15.9
  it('gates every task before its merge and repairs the one whose change holds a secret', async () => {
    const { ANTHROPIC_API_KEY: key, ...cliEnv } = build.env;
    const result = await runBr(
      ['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5', '--watch'],
      { cwd: build.repo, env: { ...cliEnv, ANTHROPIC_API_KEY: undefined } },
    );
    expect(result.stdout).toMatch(/ done SUCCEEDED /);
    expect(result.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(result.stdout)![1]!;

    const db = await build.db();
    const attempts = await db.prisma.taskAttempt.findMany({
      where: { buildId },
      orderBy: [{ taskKey: 'asc' }, { attempt: 'asc' }],
    });
    expect(attempts.filter((a) => a.outcome === 'FAILED').map((a) => [a.taskKey, a.failureClass])).toEqual([
      ['docs-1', 'QUALITY_GATE_FAILED'],
    ]);
    expect(attempts.filter((a) => a.outcome === 'SUCCEEDED')).toHaveLength(5);
    expect(build.conversationsPerTask().get('docs-1')).toBe(2);
    const repair = build.anthropic.requests.filter(
      (r) =>
        r.body.messages.length === 1 && JSON.stringify(r.body.messages[0].content).includes('Task docs-1:'),
    )[1]!;
    const prompt = JSON.stringify(repair.body.messages[0].content);
    expect(prompt).toContain('Quality gate FAILED');
    expect(prompt).toContain('notes/docs-1.md:1: [secrets] possible secret (github-token)');
    // The finding is masked: the secret itself never reaches the model again, nor a record.
    expect(prompt).not.toContain(SECRET);
    for (const a of attempts) expect(a.detail ?? '').not.toContain(SECRET);

    const { client, close } = await connectClient();
    try {
      for (const task of ['store-remove-1', 'docs-1']) {
        const events =
          (await client.workflow.getHandle(taskWorkflowId(buildId, task)).fetchHistory()).events ?? [];
        const scheduled = events
          .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
          .filter(Boolean);
        expect(scheduled.filter((n) => n === 'checkQualityGate')).toHaveLength(task === 'docs-1' ? 2 : 1);
        expect(scheduled.indexOf('checkQualityGate')).toBeLessThan(scheduled.indexOf('mergeTask'));
      }
    } finally {
      await close();
    }
    expect(result.stdout + result.stderr).not.toContain(key);
  }, 600_000);
});
