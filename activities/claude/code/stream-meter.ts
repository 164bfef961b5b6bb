import type { SdkUsage } from './sdk';

function mergeUsage(a: SdkUsage, b: SdkUsage | undefined): SdkUsage {
  const out = { ...a };
  for (const [k, v] of Object.entries(b ?? {}))
    if (typeof v === 'number') (out as Record<string, number>)[k] = v;
  return out;
}

/** Follows one SSE stream's message_start / message_delta / message_stop / error events. */
export class StreamMeter {
  private buffer = '';
  message: { id: string; model: string; usage: SdkUsage } | undefined;
  done = false;
  error: { type?: string; message?: string } | undefined;

  push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) this.onData(data);
    }
  }

  private onData(data: string): void {
    let parsed: {
      type?: string;
      message?: { id: string; model: string; usage: SdkUsage };
      usage?: SdkUsage;
      error?: { type?: string; message?: string };
    };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.type === 'message_start' && parsed.message)
      this.message = {
        id: parsed.message.id,
        model: parsed.message.model,
        usage: parsed.message.usage ?? {},
      };
    else if (parsed.type === 'message_delta' && this.message)
      // The delta's usage is cumulative: it replaces what message_start said.
      this.message.usage = mergeUsage(this.message.usage, parsed.usage);
    else if (parsed.type === 'message_stop') this.done = true;
    else if (parsed.type === 'error') this.error = parsed.error ?? {};
  }
}

/** The message in a complete JSON answer (a non-streamed call), if it is one. */
export function jsonMessage(
  json: string,
  model: string,
): { id: string; model: string; usage: SdkUsage } | undefined {
  try {
    const m = JSON.parse(json) as { id?: string; model?: string; usage?: SdkUsage };
    if (m.id && m.usage) return { id: m.id, model: m.model ?? model, usage: m.usage };
  } catch {
    // not a message
  }
  return undefined;
}
