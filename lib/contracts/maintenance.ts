/** The scheduled maintenance activities (metrics aggregation, retention). */

export interface AggregateMetricsResult {
  hourBuckets: number;
  dayBuckets: number;
  weekBuckets: number;
  eventsRead: number;
  costRowsRead: number;
}

export interface RetentionInput {
  retentionDays: number;
  archiveDir: string;
  dryRun: boolean;
  batchSize: number;
  /** Epoch ms "now" from the workflow clock, so the cut-off is deterministic. */
  now: number;
}

export interface RetentionResult {
  cutoff: string;
  eventsArchived: number;
  eventsDeleted: number;
  archiveFile: string | null;
  dryRun: boolean;
}

export interface MaintenanceActivities {
  aggregateMetrics(input: { runKey: string }): Promise<AggregateMetricsResult>;
  cleanupRetention(input: RetentionInput & { runKey: string }): Promise<RetentionResult>;
}
