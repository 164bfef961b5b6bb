/**
 * How a build starts its ready tasks (one task workflow each), settles them when they end, and answers
 * their reservations: refused once the build stopped, held back while another running attempt claims
 * the same files (task-book.ts, mayRun), otherwise granted as the budget covers them.
 */
import { notifyTaskEnded } from './build-notify';
import { startingModel, taskWorkflowInput } from './build-records';
import type { BuildState } from './build-state';
import type { BuildPort, ReservationGrant, ReservationRequest, TaskHandle } from './port';
import { FailedStep } from './step';
import type { TaskBook } from './task-book';
import type { BuildWorkflowInput, TaskResult } from './types';

/** Starts what the scheduler lets start under the parallel bound; a start that fails names its task. */
export async function startReady(
  port: BuildPort,
  input: BuildWorkflowInput,
  s: BuildState,
  book: TaskBook,
): Promise<void> {
  for (const id of book.pickStartable(input.parallel)) {
    const { task, level } = book.start(id);
    // The starting model, so per-model metrics count the task where it began.
    const model = startingModel(input, level);
    const data = { title: task.title, complexity: level };
    s.outbox.event('TASK_STARTED', id, data, 'TASK_STARTED', model);
    let handle: TaskHandle;
    try {
      handle = await port.startTask(taskWorkflowInput(input, port.workflowId, task, level, s.estimates[id]));
    } catch (err) {
      throw new FailedStep(`Starting task ${id}`, err);
    }
    book.track(handle, !!s.stopped);
    handle.result.then(
      (result) => taskEnded(s, input, id, result),
      (err: unknown) => taskEnded(s, input, id, book.resultOfError(id, port.describeError(err))),
    );
  }
}

function taskEnded(s: BuildState, input: BuildWorkflowInput, id: string, result: TaskResult): void {
  s.budget.ledger.releaseTask(id);
  s.book!.end(id, result);
  notifyTaskEnded(s.outbox.notifier, input, s.plan, result);
  s.bump();
}

/** Answers the held reservations; the build's loop runs this before every write of the outbox. */
export function answerReservations(port: BuildPort, s: BuildState): Promise<void> {
  const mayRun = (r: ReservationRequest) => s.book?.mayRun(r) ?? true;
  return s.budget.answer(
    () => !!s.stopped,
    (g) => grant(port, s, g),
    mayRun,
  );
}

async function grant(port: BuildPort, s: BuildState, g: ReservationGrant): Promise<void> {
  if (!s.book?.granted(g)) return;
  try {
    await port.sendGrant(g);
  } catch {
    // The task ended between its request and this answer; its result settles the books.
  }
}
