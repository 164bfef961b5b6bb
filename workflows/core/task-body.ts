import type { TaskPort } from './port';
import type { TaskResult, TaskWorkflowInput } from './types';

/** The TaskWorkflow body (being written; signature is stable). */
export async function runTask(_port: TaskPort, _input: TaskWorkflowInput): Promise<TaskResult> {
  await Promise.resolve();
  throw new Error('runTask: not implemented yet');
}
