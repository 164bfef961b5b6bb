/**
 * The delivery ledger: TelemetryEvent rows under unique dedupe keys, one set per idempotency key.
 * `notify/<key>/attempt` is written before a sink is called and stays while its outcome is unknown;
 * `notify/<key>/sent` once it answered. An attempt without a sent row after a crash means the request
 * may have landed: a sink that is not idempotent is then never called again for that key.
 */
import type { Database } from '../../lib/db/connection';

export interface LedgerEntry {
  buildId: string;
  sink: string;
  event: string;
}

const keyOf = (key: string, what: 'attempt' | 'sent' | 'unknown') => `notify/${key}/${what}`;

async function insert(
  db: Database,
  type: string,
  dedupeKey: string,
  entry: LedgerEntry,
  data: Record<string, unknown>,
): Promise<boolean> {
  const { count } = await db.prisma.telemetryEvent.createMany({
    data: [
      {
        type,
        buildId: entry.buildId,
        occurredAt: new Date(),
        dedupeKey,
        data: { sink: entry.sink, event: entry.event, ...data },
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

export async function wasSent(db: Database, key: string): Promise<boolean> {
  return (await db.prisma.telemetryEvent.count({ where: { dedupeKey: keyOf(key, 'sent') } })) > 0;
}

/** True when this is the first attempt on record; false when an earlier one may be in flight or landed. */
export function beginAttempt(
  db: Database,
  key: string,
  entry: LedgerEntry,
  attempt: number,
): Promise<boolean> {
  return insert(db, 'NOTIFY_ATTEMPT', keyOf(key, 'attempt'), entry, { attempt });
}

/** The sink said nothing visible happened (a SinkError): the next attempt is a first attempt again. */
export async function clearAttempt(db: Database, key: string): Promise<void> {
  await db.prisma.telemetryEvent.deleteMany({ where: { dedupeKey: keyOf(key, 'attempt') } });
}

export async function markSent(
  db: Database,
  key: string,
  entry: LedgerEntry,
  data: { status: string; detail?: string; url?: string; attempt: number },
): Promise<void> {
  await insert(db, 'NOTIFY_SENT', keyOf(key, 'sent'), entry, data);
}

export async function markUnknown(
  db: Database,
  key: string,
  entry: LedgerEntry,
  data: { attempt: number; message: string; hint: string },
): Promise<void> {
  await insert(db, 'NOTIFY_OUTCOME_UNKNOWN', keyOf(key, 'unknown'), entry, {
    kind: 'outcome-unknown',
    ...data,
  });
}
