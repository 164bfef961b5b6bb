/**
 * Every name BuildRunner derives from a build: its branch, its task workflows, its task branches and the
 * per-model task queues. One place, so the CLI, the workflows, the activities, the worker and the
 * simulation never disagree (the build id itself is derived from the spec in services/build-input.ts,
 * which needs a hash this module, imported by workflow code, must not). Pure: no I/O.
 */

/** The branch a build merges its tasks into: `br/<buildId>`. */
export function buildBranchName(buildId: string): string {
  return `br/${buildId}`;
}

/** Task branches live under this prefix; cleanup deletes only branches that match taskBranchName. */
export const TASK_BRANCH_PREFIX = 'br/tasks/';

/** A task attempt's branch: `br/tasks/<buildId>/<taskId>-a<attempt>`. */
export function taskBranchName(buildId: string, taskId: string, attempt: number): string {
  return `${TASK_BRANCH_PREFIX}${buildId}/${taskId}-a${attempt}`;
}

/** Readable, deterministic task workflow id: the Web UI shows which build and task it is. */
export function taskWorkflowId(buildId: string, taskId: string): string {
  return `${buildId}/task-${taskId}`;
}

/** config.ts's default `temporal.modelTaskQueuePrefix`. */
export const DEFAULT_MODEL_QUEUE_PREFIX = 'buildrunner-claude-';

/** Claude activities for model M run on `<prefix><M>`: a fleet-wide rate limit per model is a queue setting. */
export function modelQueueName(prefix: string, model: string): string {
  return `${prefix}${model}`;
}
