/**
 * What a build's notifications did, for `br build status`: from its NOTIFY_* events. Apart from
 * services/notify.ts, whose sink settings load the config schema, so a status read stays light.
 */
import type { Database } from '../lib/db/connection';

export interface NotificationProblem {
  type: 'NOTIFY_FAILED' | 'NOTIFY_OUTCOME_UNKNOWN';
  sink: string;
  eventType: string;
  kind: string;
  message: string;
  hint?: string;
  at: string;
}

export interface NotificationReport {
  /** Deliveries the ledger holds as sent, per sink instance. */
  sent: Record<string, number>;
  problems: NotificationProblem[];
}

export interface NotificationRow {
  type: string;
  data: unknown;
  occurredAt: Date;
}

export function notificationRows(db: Pick<Database, 'query'>, buildId: string): Promise<NotificationRow[]> {
  return db.query<NotificationRow>(
    `SELECT type, data, "occurredAt" FROM "TelemetryEvent"
     WHERE "buildId" = $1 AND type IN ('NOTIFY_SENT', 'NOTIFY_FAILED', 'NOTIFY_OUTCOME_UNKNOWN')
     ORDER BY "occurredAt" ASC`,
    [buildId],
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Null when nothing was sent or tried. */
export function notificationReport(rows: NotificationRow[]): NotificationReport | null {
  if (rows.length === 0) return null;
  const sent: Record<string, number> = {};
  const problems: NotificationProblem[] = [];
  for (const r of rows) {
    const d = (r.data ?? {}) as Record<string, unknown>;
    const sink = str(d.sink);
    if (r.type === 'NOTIFY_SENT') sent[sink] = (sent[sink] ?? 0) + 1;
    else
      problems.push({
        type: r.type as NotificationProblem['type'],
        sink,
        eventType: str(d.eventType) || str(d.event),
        kind: str(d.kind),
        message: str(d.message),
        ...(str(d.hint) ? { hint: str(d.hint) } : {}),
        at: new Date(r.occurredAt).toISOString(),
      });
  }
  return { sent, problems };
}

/** The status lines: what was sent, and each problem with what to do. */
export function notificationLines(report: NotificationReport): string[] {
  const sent = Object.entries(report.sent).map(([sink, n]) => `${sink} ${n}`);
  const lines = [
    `Notifications: ${sent.length ? `sent ${sent.join(', ')}` : 'none sent'}; ${report.problems.length} problem(s)`,
  ];
  for (const p of report.problems) {
    const what = p.type === 'NOTIFY_OUTCOME_UNKNOWN' ? 'outcome unknown' : `failed (${p.kind})`;
    lines.push(`  ${p.sink} ${p.eventType}: ${what}: ${p.message}`);
    if (p.hint) lines.push(`    ${p.hint}`);
  }
  return lines;
}
