/**
 * A deterministic virtual-clock event loop: timers ordered by (virtual time, creation order), wait
 * conditions re-checked after every step, no real waiting. Promise chains settle between steps by
 * yielding one real macrotask, so async code written for Temporal runs unchanged.
 */

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

export class SimulationStalledError extends Error {
  constructor(now: number) {
    super(`Simulation stalled at virtual time ${now}: nothing is scheduled and the run has not finished.`);
  }
}

export class VirtualLoop {
  private heap: Timer[] = [];
  private seq = 0;
  private readonly waiters = new Set<Waiter>();
  steps = 0;

  constructor(public now: number) {}

  /** Schedules `fire` at virtual time `at` (never earlier than now). Returns a cancel function. */
  schedule(at: number, fire: () => void): () => void {
    const timer: Timer = { at: Math.max(at, this.now), seq: this.seq++, fire, cancelled: false };
    this.push(timer);
    return () => void (timer.cancelled = true);
  }

  /** Resolves when `check()` becomes true; returns a function that forgets the waiter. */
  wait(check: () => boolean, resolve: () => void): () => void {
    const w: Waiter = { check, resolve };
    this.waiters.add(w);
    return () => void this.waiters.delete(w);
  }

  /** Runs until `done()` is true. Throws SimulationStalledError when nothing can make progress. */
  async run(done: () => boolean, maxSteps = 5_000_000): Promise<void> {
    for (;;) {
      await settle();
      while (this.checkWaiters()) await settle();
      if (done()) return;
      const first = this.pop();
      if (!first) throw new SimulationStalledError(this.now);
      if (++this.steps > maxSteps) throw new Error(`Simulation exceeded ${maxSteps} steps.`);
      this.now = first.at;
      first.fire();
      // Fire everything due at the same instant in one step: fewer real yields, same order.
      for (let next = this.pop(); next; next = this.pop()) {
        if (next.at !== this.now) {
          this.push(next);
          break;
        }
        next.fire();
      }
    }
  }

  private checkWaiters(): boolean {
    let any = false;
    for (const w of [...this.waiters]) {
      if (!this.waiters.has(w) || !w.check()) continue;
      this.waiters.delete(w);
      w.resolve();
      any = true;
    }
    return any;
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    for (;;) {
      if (h.length === 0) return undefined;
      const top = h[0]!;
      const last = h.pop()!;
      if (h.length) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && before(h[l]!, h[m]!)) m = l;
          if (r < h.length && before(h[r]!, h[m]!)) m = r;
          if (m === i) break;
          [h[i], h[m]] = [h[m]!, h[i]!];
          i = m;
        }
      }
      if (!top.cancelled) return top;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every pending promise callback run (microtasks drain before the next macrotask). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
