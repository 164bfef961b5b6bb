/**
 * How a build starts its ready tasks (one task workflow each), settles them when they end, and answers
 * their reservations: refused once the build stopped, held back while another running attempt claims
 * the same files (task-book.ts, mayRun), otherwise granted as the budget covers them.
 */
import Decimal from 'decimal.js';
import { notifyTaskEnded } from './build-notify';
import { startingModel, taskWorkflowInput } from './build-records';
import type { BuildState } from './build-state';
import { isFailureClass } from '../../lib/failures';
import type { BuildPort, DescribedError, ReservationGrant, ReservationRequest, TaskHandle } from './port';
import { initialModel, reservationUsd } from './routing';
import { FailedStep } from './step';
import type { TaskBook } from './task-book';
import type { BuildWorkflowInput, TaskResult, TaskWorkflowInput } from './types';

/**
 * Starts what the scheduler lets start under the parallel bound; a start that fails names its task.
 * `lean` (issue 31, patched 'lean-task-protocol' by the caller): all of them in one go, each with its
 * first attempt reserved in its input and its last cost in its result, instead of one start after another.
 */
export async function startReady(
  port: BuildPort,
  input: BuildWorkflowInput,
  s: BuildState,
  book: TaskBook,
  lean = false,
): Promise<void> {
  if (lean) {
    const starts = book.pickStartable(input.parallel).map((id) => startLean(port, input, s, book, id));
    // Settled, not Promise.all: a second failed start must not be left rejected unhandled.
    for (const r of await Promise.allSettled(starts)) if (r.status === 'rejected') throw r.reason;
    return;
  }
  for (const id of book.pickStartable(input.parallel)) {
    const child = begin(port, input, s, book, id);
    let handle: TaskHandle;
    try {
      handle = await port.startTask(child);
    } catch (err) {
      throw new FailedStep(`Starting task ${id}`, err);
    }
    follow(port, input, s, book, handle, false);
  }
}

/** Books the task as started (and its TASK_STARTED event); returns its workflow's input. */
function begin(port: BuildPort, input: BuildWorkflowInput, s: BuildState, book: TaskBook, id: string) {
  const { task, level } = book.start(id);
  // The starting model, so per-model metrics count the task where it began.
  const model = startingModel(input, level);
  const data = { title: task.title, complexity: level };
  s.outbox.event('TASK_STARTED', id, data, 'TASK_STARTED', model);
  return taskWorkflowInput(input, port.workflowId, task, level, s.estimates[id]);
}

async function startLean(
  port: BuildPort,
  input: BuildWorkflowInput,
  s: BuildState,
  book: TaskBook,
  id: string,
): Promise<void> {
  const child = begin(port, input, s, book, id);
  // Not while a redo after a failed resolution must run alone (conflict-gate.ts): the task asks then.
  const usd = book.grantAtStart(id) ? firstReservation(s, child) : undefined;
  let handle: TaskHandle;
  try {
    handle = await port.startTask({ ...child, costInResult: true, ...(usd ? { firstGrantUsd: usd } : {}) });
  } catch (err) {
    throw new FailedStep(`Starting task ${id}`, err);
  }
  follow(port, input, s, book, handle, true);
  if (usd) book.granted({ taskId: id, attempt: 1, granted: true, usd });
}

/** The first attempt's reservation, as the task would ask it; undefined when the ledger cannot grant it now. */
function firstReservation(s: BuildState, child: TaskWorkflowInput): string | undefined {
  let usd: string;
  try {
    const level = child.estimate.level;
    usd = reservationUsd(initialModel(child.routing, level), level);
  } catch {
    return undefined; // no usable model: the task reports it itself
  }
  return s.budget.grantAtStart({ taskId: child.task.id, attempt: 1, usd });
}

function follow(
  port: BuildPort,
  input: BuildWorkflowInput,
  s: BuildState,
  book: TaskBook,
  handle: TaskHandle,
  costInResult: boolean,
): void {
  const id = handle.taskId;
  book.track(handle, !!s.stopped);
  const ended = (result: TaskResult) => {
    if (costInResult) bookLastCost(port, s, result);
    taskEnded(s, input, id, result);
  };
  handle.result.then(ended, (err: unknown) => ended(resultOfError(book, id, port.describeError(err))));
}

/** The result of a task whose workflow failed or was terminated (it could not report its own). */
function resultOfError(book: TaskBook, id: string, d: DescribedError): TaskResult {
  const state = book.tasks.get(id)!;
  return {
    taskId: id,
    outcome: d.cancelled ? 'CANCELLED' : 'FAILED',
    attempts: state.attempts,
    costUsd: state.costUsd,
    error: d.message,
    ...(isFailureClass(d.type) ? { failureClass: d.type } : {}),
  };
}

/** A lean task reports the cost of its successful last try in its result: what its signals did not book. */
function bookLastCost(port: BuildPort, s: BuildState, result: TaskResult): void {
  const reported = s.book!.tasks.get(result.taskId)?.costUsd ?? '0';
  const usd = new Decimal(result.costUsd).minus(reported);
  if (usd.gt(0))
    s.budget.reconcile({ taskId: result.taskId, attempt: result.attempts, usd: usd.toString() }, port.now());
}

function taskEnded(s: BuildState, input: BuildWorkflowInput, id: string, result: TaskResult): void {
  s.budget.ledger.releaseTask(id);
  s.book!.end(id, result);
  notifyTaskEnded(s.outbox.notifier, input, s.plan, result);
  s.bump();
  s.afterTaskEnd?.();
}

/** Answers the held reservations; the build's loop runs this before every write of the outbox. */
export function answerReservations(port: BuildPort, s: BuildState): Promise<void> {
  // Redos run alone after a failed resolution (issue 36); older histories replay the claims-only rule.
  const alone = () => port.patched('conflict-redo-alone');
  const mostly = () => port.patched('conflict-hot-when-mostly-failing');
  const mayRun = (r: ReservationRequest) => s.book?.mayRun(r, alone, mostly) ?? true;
  const answered = s.budget.answer(
    () => !!s.stopped,
    (g) => grant(port, s, g),
    mayRun,
  );
  // Only builds whose tasks asked leave to resolve take this hop: other histories replay unchanged.
  // After the grants: a redo granted in this round holds the leave back.
  return s.book?.overlap ? answered.then(() => sendLeave(port, s.book!)) : answered;
}

async function sendLeave(port: BuildPort, book: TaskBook): Promise<void> {
  for (const g of book.resolutionsAllowed())
    try {
      await port.sendGrant(g);
    } catch {
      // The task ended meanwhile; nothing waits for this answer.
    }
}

async function grant(port: BuildPort, s: BuildState, g: ReservationGrant): Promise<void> {
  if (!s.book?.granted(g)) return;
  try {
    await port.sendGrant(g);
  } catch {
    // The task ended between its request and this answer; its result settles the books.
  }
}
