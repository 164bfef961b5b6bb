// A static import: a dynamic import() of this CommonJS package lost its named export under the MCP server.
import { temporal } from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { UserError, userFailure } from '../lib/errors';
import type { ExplainedFailure } from '../lib/failure-hints';
import { FailureClass } from '../lib/failures';
import { validatePlan } from '../lib/plan';
import { planFromMarkdown } from '../lib/planner/heuristic';
import { planProblemCode } from '../lib/planner/spec-input';
import type { BuildWorkflowInput } from '../workflows/core/types';
import type { ServiceContext } from './context';

/**
 * What `br build start` verifies before a workflow exists, so a mistake is refused with its hint
 * instead of failing inside the build: the base branch, the spec (with the heuristic planner, its
 * plan), the budget (makeBuildInput). What cannot be known here (a branch deleted later) still
 * ends the build FAILED with the same class and hint.
 */
export async function checkBuildStart(input: BuildWorkflowInput): Promise<void> {
  const { refExists } = await import('../activities/git/run');
  if (!(await refExists(input.repoPath, input.baseBranch)))
    throw userFailure(
      FailureClass.BASE_BRANCH_MISSING,
      `Base branch "${input.baseBranch}" does not exist in ${input.repoPath}.`,
    );
  // An inline plan was planned (and checked) before the start, or comes from a plan file or an import.
  if (input.planner !== 'heuristic' || input.plan) return;
  const spec = readFileSync(path.resolve(input.repoPath, input.specPath), 'utf8');
  const plan = planFromMarkdown(spec, input.project);
  const problems = validatePlan(plan);
  if (problems.length)
    throw new UserError(
      `The spec ${input.specPath} does not plan:\n  ${problems.map((p) => p.message).join('\n  ')}`,
      {
        code: planProblemCode(problems),
      },
    );
}

/** A warning, not a refusal: the build is durable and starts once a worker polls its queue. */
export async function workerWarnings(ctx: ServiceContext, client: Client): Promise<ExplainedFailure[]> {
  const { taskQueue, namespace } = ctx.config.temporal;
  const described = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  if (described.pollers?.length) return [];
  return [
    {
      code: 'NO_WORKER',
      message: `No worker is polling the task queue "${taskQueue}": the build waits until one does.`,
      hint: 'Start one with `br worker` (or `br dev` for a local stack) where the repository is.',
    },
  ];
}
