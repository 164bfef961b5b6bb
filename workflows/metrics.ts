import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AggregateMetricsResult, MaintenanceActivities } from '../lib/contracts';

const { aggregateMetrics } = proxyActivities<MaintenanceActivities>({
  // Catching up after a long downtime recomputes many buckets in one transaction.
  startToCloseTimeout: '30 minutes',
  // Recomputing buckets is idempotent, so retrying a failed or lost attempt is always safe.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** Run hourly by the `metrics-aggregation` schedule: folds rows recorded since the last run into the rollups. */
export async function metricsAggregationWorkflow(): Promise<AggregateMetricsResult> {
  return aggregateMetrics({ runKey: workflowInfo().runId });
}
