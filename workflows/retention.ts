import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MaintenanceActivities, RetentionResult } from '../lib/contracts';

const { cleanupRetention } = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '1 hour',
  // A retry keeps the run id, so the archive file and the run record are the same ones; rows already
  // archived and deleted are not selected again.
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

export interface RetentionWorkflowInput {
  retentionDays: number;
  /** Relative to the worker's repository root. */
  archiveDir: string;
  batchSize: number;
  dryRun?: boolean;
}

/** Run daily by the `retention-cleanup` schedule. The cut-off comes from the run's start time, so a replay computes the same one. */
export async function retentionCleanupWorkflow(input: RetentionWorkflowInput): Promise<RetentionResult> {
  const info = workflowInfo();
  return cleanupRetention({
    ...input,
    dryRun: input.dryRun ?? false,
    now: info.runStartTime.getTime(),
    runKey: info.runId,
  });
}
