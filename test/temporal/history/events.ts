/**
 * Temporal history events in the proto-JSON form `historyFromJSON` reads (the same form as
 * `temporal workflow show --output json`), built from plain values. Payloads use the default JSON
 * converter, so a replayed workflow decodes them exactly as it would from a server.
 */
import { defaultPayloadConverter } from '@temporalio/common';

export type JsonEvent = Record<string, unknown> & { eventId: string; eventType: string };

export interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const b64 = (bytes: Uint8Array | null | undefined) =>
  Buffer.from(bytes ?? new Uint8Array()).toString('base64');

export function toJsonPayload(value: unknown): JsonPayload {
  const p = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(p.data),
  };
}

/** A payload as it arrives from the workflow sandbox (bytes may be a Uint8Array or a Buffer). */
export function commandPayloadToJson(p: {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(p.data),
  };
}

export function fromJsonPayload(p: JsonPayload): unknown {
  const data = Buffer.from(p.data, 'base64');
  return data.length ? (JSON.parse(data.toString('utf8')) as unknown) : undefined;
}

export const payloads = (values: unknown[]) => ({ payloads: values.map(toJsonPayload) });

export function durationJson(ms: number | string | null | undefined): string | undefined {
  if (ms === null || ms === undefined) return undefined;
  if (typeof ms === 'string') return ms;
  return `${ms / 1000}s`;
}

/** proto Duration as it arrives from the sandbox ({seconds, nanos}) → "12.5s". */
export function protoDurationJson(
  d: { seconds?: unknown; nanos?: number | null } | null | undefined,
): string | undefined {
  if (!d) return undefined;
  const seconds = Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9;
  return `${seconds}s`;
}

export function protoDurationMs(d: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
}

export interface FailureSpec {
  type: string;
  message: string;
  details?: unknown[];
  nonRetryable?: boolean;
}

export function applicationFailureJson(f: FailureSpec): Record<string, unknown> {
  return {
    message: f.message,
    source: 'TypeScriptSDK',
    applicationFailureInfo: {
      type: f.type,
      nonRetryable: f.nonRetryable ?? true,
      ...(f.details ? { details: payloads(f.details) } : {}),
    },
  };
}

const TYPE_OF_ATTRIBUTES: Record<string, string> = {};

/** `workflowTaskStarted` → EVENT_TYPE_WORKFLOW_TASK_STARTED with workflowTaskStartedEventAttributes. */
export function eventTypeOf(kind: string): string {
  return (TYPE_OF_ATTRIBUTES[kind] ??= `EVENT_TYPE_${kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
}

export class EventLog {
  readonly events: JsonEvent[] = [];

  constructor(public clockMs: number) {}

  get lastId(): number {
    return this.events.length;
  }

  add(kind: string, attributes: Record<string, unknown>): number {
    const eventId = this.events.length + 1;
    this.events.push({
      eventId: String(eventId),
      eventTime: new Date(this.clockMs).toISOString(),
      eventType: eventTypeOf(kind),
      taskId: String(1048576 + eventId),
      // JSON round trip drops undefined fields, which protojson rejects.
      [`${kind}EventAttributes`]: JSON.parse(JSON.stringify(attributes)) as unknown,
    });
    return eventId;
  }

  toJSON(): { events: JsonEvent[] } {
    return { events: this.events };
  }
}
