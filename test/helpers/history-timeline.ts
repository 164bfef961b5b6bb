/**
 * A workflow's history as a timeline, one event a line, relative to a moment (a worker's kill): which
 * activity, which queue (sticky or not), which worker started it, which timeout fired. The takeover bench
 * and the killed-worker test print it to show where the seconds of a slow takeover went.
 */
import type { Client } from '@temporalio/client';

function eventMs(e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
}

/** One history event in a line: what it is, which activity or queue, which worker, which timeout. */
export function describeEvent(e: Record<string, unknown>): string {
  const key = Object.keys(e).find((k) => k.endsWith('Attributes') && e[k]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = (key ? e[key] : {}) as Record<string, any>;
  const bits = [
    key?.replace(/EventAttributes$/, '') ?? String(e.eventType),
    a.activityType?.name,
    a.workflowType?.name,
    a.taskQueue?.name ? `queue ${a.taskQueue.name}${a.taskQueue.kind === 2 ? ' (sticky)' : ''}` : undefined,
    a.identity ? `by ${a.identity}` : undefined,
    a.attempt > 1 ? `attempt ${a.attempt}` : undefined,
    a.timeoutType ? `timeout ${a.timeoutType}` : undefined,
    a.failure?.message ? `failure ${String(a.failure.message).slice(0, 80)}` : undefined,
    a.scheduledEventId ? `sched #${a.scheduledEventId}` : undefined,
  ];
  return `#${String(e.eventId)} ${bits.filter(Boolean).join(' · ')}`;
}

/** The events of `workflowId` from `sinceMs - 15 s` on, each as "+12.3 s #31 …" relative to `sinceMs`. */
export async function historyTimeline(
  client: Client,
  workflowId: string,
  sinceMs: number,
): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => eventMs(e) >= sinceMs - 15_000)
    .map(
      (e) =>
        `+${((eventMs(e) - sinceMs) / 1000).toFixed(1)} s ${describeEvent(e as unknown as Record<string, unknown>)}`,
    );
}
