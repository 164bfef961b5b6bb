/** The notifier activity: one (event, sink instance) pair delivered under one idempotency key. */
import type { NotifyEvent } from '../notify/events';
import type { SinkInstance } from '../notify/config';

export interface NotifyInput {
  event: NotifyEvent;
  /** The configured instance (no options, nothing secret): the worker reads its options from its config. */
  sink: SinkInstance;
  /** Stable per (event, instance, build run): the delivery ledger's key and the sink's idempotencyKey. */
  key: string;
}

/**
 * `duplicate`: the ledger already holds this key as sent (a retry after the sink answered);
 * `outcome-unknown`: an earlier try of a sink that is not idempotent may have sent it, so it is not
 * sent again (NOTIFY_OUTCOME_UNKNOWN is on record).
 */
export interface NotifyResult {
  status: 'delivered' | 'skipped' | 'duplicate' | 'outcome-unknown';
  detail?: string;
}

/** details[0] of a failed notifier activity (type NOTIFY_FAILED): masked, for the NOTIFY_FAILED event. */
export interface NotifyFailureDetails {
  kind: string;
  hint?: string;
}
