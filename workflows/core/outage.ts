/**
 * Waiting out an API outage (issue 27), for the fallback matrix: overloaded on every model, or 5xx / no
 * connection, is the API's state, not the task's or the model's fault. The task waits with the matrix's
 * backoff (free: no attempt counted, no free retry used) and goes back to the model it was on before
 * the outage, its overload switches given back, until it has waited the limit in outages; after that
 * the failures count as before. An overload that only one model has still falls back to another.
 *
 * With `probeOthers` (patch 'outage-probe-others'), the waits probe the other overloaded models now and
 * then: after 2 refused probes of the first model, then 4, 8, …. Without it, one 529 from the fallback
 * model while the first model had an overload of its own made the task probe only the first model until
 * the limit (an hour by default), though the fallback model answered again seconds later.
 */
import type { ModelEntry } from '../../lib/models';
import type { FallbackDecision, FallbackState, OutageState } from './fallback-types';

type Decided = { decision: FallbackDecision; state: FallbackState };

/** decideFallback's outage settings in a task (after patch 'api-outage-wait'). */
export function outageInput(
  port: { patched(id: string): boolean },
  minutes: number | undefined,
  cls?: string,
) {
  return {
    outageWaitMs: (minutes ?? 60) * 60_000,
    // Asked on an overload only, so other histories get no marker.
    ...(cls === 'OVERLOADED' && port.patched('outage-probe-others') ? { outageProbeOthers: true } : {}),
  };
}

export function outageWait(s: FallbackState, limitMs: number, transient: boolean, probeOthers = false) {
  const o: OutageState = s.outage
    ? { ...s.outage, overloaded: [...s.outage.overloaded] }
    : { overloaded: [], refund: 0, waitedMs: 0 };
  if (!transient) s.outage = { overloaded: [], refund: 0, waitedMs: o.waitedMs };
  else s.outage = o;

  const wait = (waitMs: number, why: string, probe?: string): Decided | undefined => {
    if (o.waitedMs >= limitMs) return undefined;
    const model = probe ?? o.from ?? s.model;
    const label =
      `API unavailable (${why}); next probe on ${model} in ${waitMs / 1000}s ` +
      `(waited ${Math.round(o.waitedMs / 1000)}s of ${Math.round(limitMs / 1000)}s)`;
    s.counted = Math.max(0, s.counted - o.refund);
    o.refund = 0;
    o.waitedMs += waitMs;
    if (model !== s.model) {
      s.model = model;
      s.timeoutRetried = false;
    }
    return { decision: { action: 'retry-same-model', model, waitMs, label }, state: s };
  };

  /** Overloaded: falls back while only one model has been overloaded in this streak; two or more is an outage. */
  const overloaded = (
    next: ModelEntry | null,
    waitMs: number,
    switchTo: (to: ModelEntry) => Decided,
  ): Decided | undefined => {
    o.from ??= s.model;
    if (!o.overloaded.includes(s.model)) o.overloaded.push(s.model);
    if (next && o.overloaded.length < 2 && !o.overloaded.includes(next.id)) {
      const counted = s.counted;
      const switched = switchTo(next);
      o.refund += s.counted - counted;
      return switched;
    }
    return wait(waitMs, `overloaded on ${o.overloaded.join(', ')}`, probeOthers ? otherProbe() : undefined);
  };

  /** Another overloaded model to probe, when the first one has refused its 2nd, then 4th, 8th, … probe in a row. */
  const otherProbe = (): string | undefined => {
    const first = o.from ?? s.model;
    const others = o.overloaded.filter((m) => m !== first);
    if (s.model !== first || others.length === 0) return undefined;
    const done = o.othersProbed ?? 0;
    o.firstRefused = (o.firstRefused ?? 0) + 1;
    if (o.firstRefused < 2 ** (done + 1)) return undefined;
    o.firstRefused = 0;
    o.othersProbed = done + 1;
    return others[done % others.length];
  };

  return { wait, overloaded };
}
