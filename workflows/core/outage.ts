/**
 * Waiting out an API outage (issue 27), for the fallback matrix: overloaded on every model, or 5xx / no
 * connection, is the API's state, not the task's or the model's fault. The task waits with the matrix's
 * backoff (free: no attempt counted, no free retry used) and goes back to the model it was on before
 * the outage, its overload switches given back, until it has waited the limit in outages; after that
 * the failures count as before. An overload that only one model has still falls back to another.
 */
import type { ModelEntry } from '../../lib/models';
import type { FallbackDecision, FallbackState, OutageState } from './fallback-types';

type Decided = { decision: FallbackDecision; state: FallbackState };

export function outageWait(s: FallbackState, limitMs: number, transient: boolean) {
  const o: OutageState = s.outage
    ? { ...s.outage, overloaded: [...s.outage.overloaded] }
    : { overloaded: [], refund: 0, waitedMs: 0 };
  if (!transient) s.outage = { overloaded: [], refund: 0, waitedMs: o.waitedMs };
  else s.outage = o;

  const wait = (waitMs: number, why: string): Decided | undefined => {
    if (o.waitedMs >= limitMs) return undefined;
    const model = o.from ?? s.model;
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
    return wait(waitMs, `overloaded on ${o.overloaded.join(', ')}`);
  };

  return { wait, overloaded };
}
