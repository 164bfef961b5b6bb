import { testPolicy } from '../fixtures/sandbox/policy';
import { createClaudeActivities } from '../../activities/claude';
import { mergeTask } from '../../activities/git/merge';
import { ensureBuildBranch } from '../../activities/git/worktrees';
import { loadConfig } from '../../services/config-file';
import type { Database } from '../../lib/db/connection';
import { makeRepo, type TempRepo } from '../fixtures/repo';
import { failureOf } from '../helpers/failure';

/** The user's mistakes, as the real activities meet them: each its own class, never retried. */
describe('activities fail a user mistake with its own non-retryable class', () => {
  let repo: TempRepo;
  beforeEach(() => (repo = makeRepo()));
  afterEach(() => repo.cleanup());

  it('a base branch that does not exist is BASE_BRANCH_MISSING', async () => {
    const f = await failureOf(
      ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'mian', buildBranch: 'br/build-x' }),
    );
    expect(f).toMatchObject({ type: 'BASE_BRANCH_MISSING', nonRetryable: true });
    expect(f.message).toBe(`Base branch "mian" does not exist in ${repo.dir}.`);
  });

  it('a task branch deleted before its merge is TASK_BRANCH_MISSING', async () => {
    repo.git('branch', 'br/build-x');
    const f = await failureOf(
      mergeTask(
        {
          repoPath: repo.dir,
          buildBranch: 'br/build-x',
          branch: 'br/tasks/build-x/cart-a1',
          buildId: 'build-x',
          taskId: 'cart',
        },
        testPolicy(),
      ),
    );
    expect(f).toMatchObject({ type: 'TASK_BRANCH_MISSING', nonRetryable: true });
    expect(f.message).toContain('"br/tasks/build-x/cart-a1"');
  });

  it('a build branch checked out in the user checkout is BRANCH_CHECKED_OUT', async () => {
    repo.git('branch', 'br/tasks/build-x/cart-a1');
    repo.git('switch', '-q', '-c', 'br/build-x');
    const f = await failureOf(
      mergeTask(
        {
          repoPath: repo.dir,
          buildBranch: 'br/build-x',
          branch: 'br/tasks/build-x/cart-a1',
          buildId: 'build-x',
          taskId: 'cart',
        },
        testPolicy(),
      ),
    );
    expect(f).toMatchObject({ type: 'BRANCH_CHECKED_OUT', nonRetryable: true });
    expect(f.message).toContain('git switch');
  });

  it('a spec the worker cannot find is SPEC_MISSING', async () => {
    const { config } = loadConfig({ cwd: repo.dir, env: {} });
    const claude = createClaudeActivities({
      db: undefined as unknown as Database,
      config,
      apiKey: undefined,
      repoRoot: repo.dir,
    });
    const f = await failureOf(
      claude.planBuild({
        buildId: 'build-x',
        project: 'shop',
        repoPath: repo.dir,
        specPath: 'PROJECT_SPEC.md',
        planner: 'heuristic',
      }),
    );
    expect(f).toMatchObject({ type: 'SPEC_MISSING', nonRetryable: true });
    expect(f.message).toBe(`The spec PROJECT_SPEC.md is not in ${repo.dir} on this worker.`);
  });
});
