import { isTaskBranch } from '../../activities/git/worktrees';
import { buildBranchName, modelQueueName, taskBranchName, taskWorkflowId } from '../../lib/ids';
import { createFakeActivities, simulationInput } from '../../workflows/simulation/fakes';
import { simulateBuild } from '../../workflows/simulation/runtime';
import { plan, task } from '../fixtures/simulation';

/** One ids module: the names every layer derives from a build agree, and cleanup recognises its own branches. */
describe('the names derived from a build', () => {
  it('gives task branches that cleanup recognises as its own, and build branches it never touches', () => {
    expect(taskBranchName('build-shop-3f9a2c1d', 'cart-1', 2)).toBe('br/tasks/build-shop-3f9a2c1d/cart-1-a2');
    expect(isTaskBranch(taskBranchName('build-shop-3f9a2c1d', 'cart-1', 2))).toBe(true);
    expect(isTaskBranch(buildBranchName('build-shop-3f9a2c1d'))).toBe(false);
    expect(taskWorkflowId('build-shop-3f9a2c1d', 'cart-1')).toBe('build-shop-3f9a2c1d/task-cart-1');
    expect(modelQueueName('buildrunner-claude-', 'claude-haiku-5-5')).toBe(
      'buildrunner-claude-claude-haiku-5-5',
    );
  });

  it('names branches in the simulation as the git activities do', async () => {
    const p = plan([task('a')]);
    const { activities, store } = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: 10, costUsd: '0' }),
    });
    const branches: string[] = [];
    const prepare = activities.prepareWorktree;
    await simulateBuild({
      input: simulationInput(p),
      activities: {
        ...activities,
        prepareWorktree: (input) => {
          const call = prepare(input);
          return { ...call, complete: () => ((r) => (branches.push(r.branch), r))(call.complete()) };
        },
      },
    });
    expect(branches).toEqual([taskBranchName('sim', 'a', 1)]);
    expect(store.merged.length).toBe(1);
  });
});
