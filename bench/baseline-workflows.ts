/**
 * The bare-Temporal baseline of the workflow benchmark: a parent that runs `tasks` child workflows, at
 * most `parallel` at a time, each running `activities` no-op activities one after another. The same
 * fan-out shape as a build, without any of BuildRunner's logic, signals or records.
 */
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function baselineChild(activities: number): Promise<void> {
  for (let i = 0; i < activities; i++) await noop();
}

export async function baselineParent(tasks: number, parallel: number, activities: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks) {
      const i = next++;
      await executeChild(baselineChild, {
        workflowId: `${workflowInfo().workflowId}-child-${i}`,
        args: [activities],
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}
