import { existsSync } from 'node:fs';
import path from 'node:path';
import { createGitActivities, sweepOrphans } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { makeBuildInput } from '../../../services/build-input';
import { FailureClass } from '../../../lib/failures';
import { useTempRepo } from '../../fixtures/repo';
import { failureOf } from '../../helpers/failure';

const activities = createGitActivities({ config: parseConfig({}) });
const repo = useTempRepo();

describe('task branches next to the real build branch name', () => {
  it('prepares, commits and merges a task into the build branch that br build start names', async () => {
    const input = makeBuildInput({
      config: parseConfig({}),
      project: 'demo',
      repoPath: repo.dir,
      specPathInRepo: 'SPEC.md',
      specContent: '# Demo\n',
      options: { specPath: 'SPEC.md' },
    });
    const { buildId, buildBranch } = input;
    await activities.ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'main', buildBranch });
    const wt = await activities.prepareWorktree({
      buildId,
      taskId: 't1',
      attempt: 1,
      repoPath: repo.dir,
      buildBranch,
    });
    repo.write(path.relative(repo.dir, path.join(wt.worktreePath, 'src', 'new.txt')), 'new\n');
    await activities.commitTask({
      worktreePath: wt.worktreePath,
      buildId,
      taskId: 't1',
      model: 'm',
      message: 'T1',
    });
    await activities.mergeTask({ repoPath: repo.dir, buildId, buildBranch, branch: wt.branch, taskId: 't1' });
    expect(repo.git('show', `${buildBranch}:src/new.txt`)).toBe('new');
  });
});

describe('task cleanup deletes only what BuildRunner made', () => {
  beforeEach(async () => {
    await activities.ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
  });

  it('refuses a worktree path outside .buildrunner/worktrees and leaves the repository untouched', async () => {
    for (const worktreePath of [
      repo.dir,
      path.join(repo.dir, 'src'),
      path.join(repo.dir, '.buildrunner', 'worktrees'),
      path.join(repo.dir, '.buildrunner', 'worktrees', '..', '..', 'src'),
    ]) {
      const f = await failureOf(
        activities.cleanupTask({ repoPath: repo.dir, worktreePath, branch: 'br/b1/t1-a1' }),
      );
      expect(f.type).toBe(FailureClass.INVALID_REQUEST);
      expect(f.nonRetryable).toBe(true);
    }
    expect(existsSync(path.join(repo.dir, 'src', 'a.txt'))).toBe(true);
  });

  it("refuses to delete the build branch or a user's branch", async () => {
    repo.git('branch', 'feature/mine');
    const wt = await activities.prepareWorktree({
      buildId: 'b1',
      taskId: 't1',
      attempt: 1,
      repoPath: repo.dir,
      buildBranch: 'br/b1',
    });
    for (const branch of ['br/b1', 'feature/mine', 'main']) {
      const f = await failureOf(
        activities.cleanupTask({ repoPath: repo.dir, worktreePath: wt.worktreePath, branch }),
      );
      expect(f.type).toBe(FailureClass.INVALID_REQUEST);
    }
    expect(repo.git('branch', '--list', 'br/b1', 'feature/mine', 'main').split('\n')).toHaveLength(3);
    await activities.cleanupTask({ repoPath: repo.dir, worktreePath: wt.worktreePath, branch: wt.branch });
    expect(existsSync(wt.worktreePath)).toBe(false);
    expect(repo.git('branch', '--list', wt.branch)).toBe('');
  });

  it("sweeping orphans removes leftover task branches but keeps a finished build's branch", async () => {
    repo.git('branch', 'br/tasks/b1/t1-a1', 'main');
    const result = await sweepOrphans(repo.dir);
    expect(result.removedBranches).toEqual(['br/tasks/b1/t1-a1']);
    expect(repo.git('branch', '--list', 'br/b1')).toContain('br/b1');
  });
});
