import { runTask } from './core/task-body';
import type { TaskResult, TaskWorkflowInput } from './core/types';
import { createTaskPort } from './temporal-port';

/**
 * One task of a build (a child workflow, id `<buildId>/task-<taskId>`): route → reserve budget → worktree →
 * agent → commit → verify → merge, with typed fallback between attempts. Logic: workflows/core/task-body.ts.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskResult> {
  return runTask(createTaskPort(input), input);
}
