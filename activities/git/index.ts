import type { BuildActivities } from '../../lib/contracts';
import type { BuildRunnerConfig } from '../../lib/config';
import { sandboxPolicy } from '../../lib/sandbox/policy';
import { checkQualityGate } from '../quality/gate';
import { commitTask } from './commit';
import { commitDesign } from './design';
import { markFeaturesDelivered } from './features';
import { mergeTask } from './merge';
import { verifyTask } from './verify';
import { cleanupTask, ensureBuildBranch, prepareWorktree } from './worktrees';

export type GitActivities = Pick<
  BuildActivities,
  | 'ensureBuildBranch'
  | 'prepareWorktree'
  | 'commitTask'
  | 'verifyTask'
  | 'checkQualityGate'
  | 'mergeTask'
  | 'cleanupTask'
  | 'markFeaturesDelivered'
>;

/**
 * The repository side of a build. Every activity is safe to retry: a second call finds the worktree,
 * commit or merge the first one made. Verification falls back to config.agent.verifyCommand when the
 * workflow passes an empty command, and passes when neither is set.
 */
export function createGitActivities(deps: { config: BuildRunnerConfig }): GitActivities {
  return {
    async ensureBuildBranch(input) {
      await ensureBuildBranch(input);
      if (input.design && input.buildId) {
        await commitDesign({ ...input, buildId: input.buildId, design: input.design });
      }
    },
    prepareWorktree,
    commitTask: (input) => commitTask(input, sandboxPolicy(deps.config)),
    async verifyTask(input) {
      const command = input.command.trim() || deps.config.agent.verifyCommand;
      if (!command) return;
      await verifyTask(
        {
          ...input,
          command,
          timeoutSeconds: input.timeoutSeconds || deps.config.agent.commandTimeoutSeconds,
        },
        sandboxPolicy(deps.config),
      );
    },
    checkQualityGate: (input) => checkQualityGate(input, sandboxPolicy(deps.config)),
    mergeTask: (input) => mergeTask(input, sandboxPolicy(deps.config)),
    cleanupTask,
    async markFeaturesDelivered(input) {
      await markFeaturesDelivered(input);
    },
  };
}

export { sweepOrphans } from './worktrees';
