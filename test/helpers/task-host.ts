import { ApplicationFailure } from '@temporalio/common';
import type { BuildActivities, RecordAttemptInput, TelemetryEventInput } from '../../lib/contracts';
import type { DescribedError, TaskHandlers, TaskPort } from '../../workflows/core/port';
import { runTask } from '../../workflows/core/task-body';
import type { TaskResult, TaskWorkflowInput } from '../../workflows/core/types';

/**
 * Runs the real task body (workflows/core/task-body.ts) in-process on real time with real activities:
 * a third host beside Temporal and the simulation, for tests whose activities do real I/O (git,
 * the sandbox, the scripted Anthropic server) that the virtual clock cannot wait for. Every budget
 * reservation is granted at once; records and events are kept in memory.
 */

export interface TaskRun {
  result: TaskResult;
  attempts: RecordAttemptInput[];
  events: TelemetryEventInput[];
  /** Activity names in call order. */
  calls: string[];
}

function describeError(err: unknown): DescribedError {
  if (err instanceof ApplicationFailure)
    return {
      type: err.type ?? undefined,
      message: err.message,
      ...(err.details?.[0] ? { details: err.details[0] } : {}),
      cancelled: false,
    };
  return { message: err instanceof Error ? err.message : String(err), cancelled: false };
}

export async function runTaskInProcess(
  input: TaskWorkflowInput,
  activities: Partial<BuildActivities>,
): Promise<TaskRun> {
  const attempts: RecordAttemptInput[] = [];
  const events: TelemetryEventInput[] = [];
  const calls: string[] = [];
  let handlers: TaskHandlers | undefined;
  const all: Partial<BuildActivities> = {
    recordAttempt: async (a) => void attempts.push(a),
    emitEvents: async (e) => void events.push(...e),
    ...activities,
  };
  const proxy = new Proxy({} as BuildActivities, {
    get: (_t, name: string) => (arg: unknown) => {
      calls.push(name);
      const fn = all[name as keyof BuildActivities] as ((a: unknown) => Promise<unknown>) | undefined;
      if (!fn) return Promise.reject(new Error(`activity ${name} is not provided by this test`));
      return fn(arg);
    },
  });
  const port: TaskPort = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    condition: async (fn, timeoutMs) => {
      const until = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
      while (!fn()) {
        if (Date.now() >= until) return false;
        await new Promise((r) => setTimeout(r, 5));
      }
      return true;
    },
    activities: proxy,
    describeError,
    nonCancellable: (fn) => fn(),
    patched: () => true,
    registerHandlers: (h) => void (handlers = h),
    requestReservation: async (msg) => {
      const { resolve, claims: _claims, ...key } = msg;
      setImmediate(() => handlers?.grant({ ...key, granted: true, ...(resolve ? { resolve: true } : {}) }));
    },
    reportCost: async () => undefined,
  };
  const result = await runTask(port, input);
  return { result, attempts, events, calls };
}
