/**
 * The simulation host: implements the BuildPort and TaskPort on the virtual-clock loop, with fake
 * activities whose durations are virtual time. Messages (signals) are delivered one loop step later,
 * in order, like Temporal's. A test and forecasting harness only: real builds run on Temporal.
 */
import type { BuildActivities } from '../../lib/contracts';
import type { FailureDetails } from '../../lib/failures';
import { runBuild } from '../core/build-body';
import { runTask } from '../core/task-body';
import type {
  BuildHandlers,
  CarryOn,
  BuildPort,
  DescribedError,
  RuntimePort,
  TaskHandlers,
  TaskPort,
} from '../core/port';
import { taskWorkflowId } from '../core/port';
import { steeringUpdates, type SteeringUpdates } from '../core/steering';
import type { BuildResult, BuildWorkflowInput, TaskResult, TaskWorkflowInput } from '../core/types';
import { Execution } from './execution';
import { VirtualLoop } from './loop';

/** A scripted activity: how long it takes in virtual ms, and what it does when it completes. */
export interface SimCall<R> {
  durationMs: number;
  /** Runs at completion time (side effects then); throws SimFailure to fail. */
  complete: () => R;
}

export type SimActivities = {
  [K in keyof BuildActivities]: (
    input: Parameters<BuildActivities[K]>[0],
  ) => SimCall<Awaited<ReturnType<BuildActivities[K]>>>;
};

/** An activity failure with a type, like Temporal's ApplicationFailure. */
export class SimFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly details?: FailureDetails,
  ) {
    super(message);
  }
}

export class SimCancelled extends Error {
  constructor() {
    super('Cancelled');
  }
}

class SimContinueAsNew extends Error {
  constructor(readonly input: BuildWorkflowInput) {
    super('continue-as-new');
  }
}

export interface TraceEvent {
  at: number;
  kind: 'task-start' | 'task-end';
  taskId: string;
  outcome?: TaskResult['outcome'];
}

export type SimControl = { afterMs: number; apply: (h: BuildHandlers, updates: SteeringUpdates) => void };

export interface SimulationOptions {
  input: BuildWorkflowInput;
  activities: SimActivities;
  /** Signals at virtual times (ms after the start); `updates` carry the steering rules Temporal validates by. */
  controls?: SimControl[];
  /** Suggest continue-as-new after this many task starts in one run (exercises carry-over). */
  continueAsNewAfterStarts?: number;
  /** Changes (patched() ids) this run behaves as if made before, as a replayed older history does. */
  unpatched?: string[];
  startAt?: number;
}

export interface SimulationRun {
  result: BuildResult;
  trace: TraceEvent[];
  startedAt: number;
  endedAt: number;
  runs: number;
  loop: VirtualLoop;
  /** The ended run's carryOn answer, what `br build continue` starts a new run from. */
  carryOn: CarryOn | null;
}

export const SIM_EPOCH = Date.UTC(2026, 0, 1);

export async function simulateBuild(options: SimulationOptions): Promise<SimulationRun> {
  const loop = new VirtualLoop(options.startAt ?? SIM_EPOCH);
  const startedAt = loop.now;
  const trace: TraceEvent[] = [];
  const taskHandlers = new Map<string, TaskHandlers>();
  let buildHandlers: BuildHandlers | undefined;
  let startsThisRun = 0;
  const deliver = (fn: () => void) => loop.schedule(loop.now, fn);

  const runtime = (ex: Execution): RuntimePort => ({
    now: () => loop.now,
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (ex.cancellable) return reject(new SimCancelled());
        const untrack = ex.track(() => (cancelTimer(), reject(new SimCancelled())));
        const cancelTimer = loop.schedule(loop.now + ms, () => (untrack(), resolve()));
      }),
    condition: (fn, timeoutMs) =>
      new Promise<boolean>((resolve, reject) => {
        if (ex.cancellable) return reject(new SimCancelled());
        if (fn()) return resolve(true);
        let cancelTimer = () => undefined as void;
        const forget = loop.wait(fn, () => (untrack(), cancelTimer(), resolve(true)));
        const untrack = ex.track(() => (forget(), cancelTimer(), reject(new SimCancelled())));
        if (timeoutMs !== undefined)
          cancelTimer = loop.schedule(loop.now + timeoutMs, () => (forget(), untrack(), resolve(false)));
      }),
    activities: new Proxy({} as BuildActivities, {
      get: (_t, name: string) => (arg: unknown) =>
        new Promise((resolve, reject) => {
          if (ex.cancellable) return reject(new SimCancelled());
          const fake = options.activities[name as keyof SimActivities] as (a: unknown) => SimCall<unknown>;
          const call = fake(arg);
          const untrack = ex.track(() => (cancelTimer(), reject(new SimCancelled())));
          const cancelTimer = loop.schedule(loop.now + call.durationMs, () => {
            untrack();
            try {
              resolve(call.complete());
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
        }),
    }),
    describeError,
    // A simulation replays no older history, unless a test says which changes to run without.
    patched: (id) => !options.unpatched?.includes(id),
    nonCancellable: async (fn) => {
      // Bodies run one step at a time per execution, so a counter is an exact scope here.
      ex.shield += 1;
      try {
        return await fn();
      } finally {
        ex.shield -= 1;
      }
    },
  });

  const startTask = (input: TaskWorkflowInput) => {
    const ex = new Execution();
    const id = input.task.id;
    startsThisRun += 1;
    trace.push({ at: loop.now, kind: 'task-start', taskId: id });
    const port: TaskPort = {
      ...runtime(ex),
      registerHandlers: (h) => void taskHandlers.set(id, h),
      requestReservation: (msg) => (deliver(() => buildHandlers?.requestReservation(msg)), Promise.resolve()),
      reportCost: (msg) => (deliver(() => buildHandlers?.reportCost(msg)), Promise.resolve()),
    };
    const result = runTask(port, input).finally(() => {
      ex.done = true;
      taskHandlers.delete(id);
    });
    result.then(
      (r) => trace.push({ at: loop.now, kind: 'task-end', taskId: id, outcome: r.outcome }),
      () => trace.push({ at: loop.now, kind: 'task-end', taskId: id, outcome: 'FAILED' }),
    );
    return Promise.resolve({ taskId: id, result, cancel: () => deliver(() => ex.cancel()) });
  };

  let runs = 0;
  let final: BuildResult | undefined;
  let failure: unknown;
  const runOnce = (input: BuildWorkflowInput): void => {
    runs += 1;
    startsThisRun = 0;
    const ex = new Execution();
    const port: BuildPort = {
      ...runtime(ex),
      workflowId: `sim-${input.buildId}`,
      registerHandlers: (h) => void (buildHandlers = h),
      startTask,
      sendGrant: (g) => {
        if (!taskHandlers.has(g.taskId)) {
          return Promise.reject(
            new Error(`Task workflow ${taskWorkflowId(input.buildId, g.taskId)} is not running.`),
          );
        }
        deliver(() => taskHandlers.get(g.taskId)?.grant(g));
        return Promise.resolve();
      },
      shouldContinueAsNew: () =>
        options.continueAsNewAfterStarts !== undefined && startsThisRun >= options.continueAsNewAfterStarts,
      continueAsNew: (next) => Promise.reject(new SimContinueAsNew(next)),
    };
    runBuild(port, input).then(
      (r) => void (final = r),
      (err: unknown) => {
        if (err instanceof SimContinueAsNew) deliver(() => runOnce(err.input));
        else failure = err;
      },
    );
  };
  const control = (h: BuildHandlers | undefined, c: SimControl) => h && c.apply(h, steeringUpdates(h));
  for (const c of options.controls ?? [])
    loop.schedule(startedAt + c.afterMs, () => control(buildHandlers, c));
  runOnce(options.input);
  await loop.run(() => final !== undefined || failure !== undefined);
  if (failure !== undefined)
    throw failure instanceof Error
      ? failure
      : new Error('The simulated build failed with a non-Error value.');
  const carryOn = buildHandlers?.carryOn?.() ?? null;
  return { result: final!, trace, startedAt, endedAt: loop.now, runs, loop, carryOn };
}

export function describeError(err: unknown): DescribedError {
  if (err instanceof SimCancelled) return { message: err.message, cancelled: true };
  if (err instanceof SimFailure)
    return {
      type: err.type,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      cancelled: false,
    };
  // Anything else came from the body or this host (a bug, continue-as-new), not from an activity.
  return { message: err instanceof Error ? err.message : String(err), cancelled: false, internal: true };
}
