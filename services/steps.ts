import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which outside party a call is waiting for. Services wrap each call that depends on someone else
 * answering (planning, Temporal, a worker, the database, a git remote) in `step`; a front end with a
 * deadline (MCP) runs its work under `traced` and, when the deadline passes, says which step did not
 * finish and which answered, so a timeout never blames a server that answered. Outside `traced`,
 * `step` only runs the call.
 */
export interface Step {
  /** Who is waited for, e.g. "Temporal at 127.0.0.1:7233". */
  what: string;
  /** What to check when it does not answer. */
  hint: string;
  done: boolean;
}

const current = new AsyncLocalStorage<Step[]>();

export async function step<T>(what: string, hint: string, fn: () => Promise<T>): Promise<T> {
  const steps = current.getStore();
  if (!steps) return fn();
  const entry: Step = { what, hint, done: false };
  steps.push(entry);
  try {
    return await fn();
  } finally {
    entry.done = true;
  }
}

export function traced<T>(work: () => Promise<T>): { result: Promise<T>; steps: Step[] } {
  const steps: Step[] = [];
  return { result: current.run(steps, work), steps };
}

/** "… did not finish within 1.8 s: it is waiting for X. <hint> Answered in time: Y, Z." */
export function stalledMessage(what: string, seconds: number, steps: Step[]): string {
  const waiting = [...steps].reverse().find((s) => !s.done);
  const answered = [...new Set(steps.filter((s) => s.done).map((s) => s.what))].filter(
    (w) => w !== waiting?.what,
  );
  const head = waiting
    ? `${what} did not finish within ${seconds} s: it is waiting for ${waiting.what}. ${waiting.hint}`
    : `${what} did not finish within ${seconds} s, though nothing it asked is still unanswered: the machine may be overloaded.`;
  const fine = answered.length ? ` Answered in time: ${answered.join(', ')}.` : '';
  return `${head}${fine} The call carries on in the background; calling again is safe.`;
}

export const TEMPORAL_HINT =
  'If no server runs there, start one with `br dev` (or point TEMPORAL_ADDRESS at one).';
export const DATABASE_HINT =
  'Check DATABASE_URL (or the embedded database in .buildrunner/) and that the database answers; `br doctor` checks it.';
