import { existsSync } from 'node:fs';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { useTempRepo } from '../../fixtures/repo';

/**
 * Many tasks of a build start at once on one machine: their worktrees are created and removed
 * concurrently in one repository. Unserialized, `git worktree add` reads a worktree being created next
 * to it and fails ("failed to read .git/worktrees/<name>/commondir").
 */
const activities = createGitActivities({ config: parseConfig({}) });
const repo = useTempRepo();

it('creates and removes sixteen task worktrees at once, three times over, without a git error', async () => {
  repo.git('branch', 'br-build/race');
  for (let round = 0; round < 3; round++) {
    const ids = Array.from({ length: 16 }, (_, i) => `t${i}`);
    const prepared = await Promise.all(
      ids.map((taskId) =>
        activities.prepareWorktree({
          repoPath: repo.dir,
          buildId: 'race',
          taskId,
          attempt: round + 1,
          buildBranch: 'br-build/race',
        }),
      ),
    );
    expect(prepared.every((p) => existsSync(p.worktreePath))).toBe(true);
    await Promise.all(
      prepared.map((p) =>
        activities.cleanupTask({ repoPath: repo.dir, worktreePath: p.worktreePath, branch: p.branch }),
      ),
    );
    expect(repo.git('branch', '--list', 'br/tasks/*')).toBe('');
  }
}, 180_000);
