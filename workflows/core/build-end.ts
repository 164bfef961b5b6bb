/**
 * How a build ends: its outcome recorded (Build row, last records and events), the features its tasks
 * delivered marked, and the late failure (a step that broke after planning) explained.
 */
import type { DeliveryProgress } from '../../lib/delivery';
import type { Plan } from '../../lib/plan';
import { explainFailure, type ExplainedFailure } from '../../lib/failure-hints';
import type { BudgetLedger } from './budget';
import { notifyFinished } from './build-notify';
import { buildRecord, deliveredFeatures } from './build-records';
import { summarize } from './build-report';
import type { Outbox } from './outbox';
import type { BuildPort } from './port';
import { stepFailure } from './step';
import { tasksOf, type TaskBook } from './task-book';
import type { BuildResult, BuildWorkflowInput } from './types';

/** For a failure class the catalog does not know (a database or infrastructure error after planning). */
export const LATE_FAILURE_HINT =
  "The worker's log has the full error. Fix its cause (often the database or the worker's disk), then start the build again; `br build logs` shows what had finished.";

/** What a build hands over to be ended. */
export interface EndingBuild {
  port: BuildPort;
  input: BuildWorkflowInput;
  ledger: BudgetLedger;
  outbox: Outbox;
  plan: Plan | undefined;
  /** Undefined when the build ended before its tasks were booked (planning, or the first record). */
  book: TaskBook | undefined;
  startedAt: number;
  generation: number;
  failure: ExplainedFailure | undefined;
  delivery?: DeliveryProgress | undefined;
  /** Answers held reservations (all refused once the build stopped); runs before every write of the outbox. */
  answerReservations(): Promise<void>;
}

/**
 * A step that failed past its retries after planning, as the build reports it: step, class and hint.
 * Rethrows a cancel or an error of the workflow code itself (the host's to handle), and any failure of
 * a build started before this path existed: those failed the workflow here, and replay that way.
 */
export function lateFailure(port: BuildPort, step: string, err: unknown): ExplainedFailure {
  const failed = stepFailure(port, step, err);
  if (!port.patched('late-failure-ends-build')) throw err;
  const explained = explainFailure(failed.code, failed.message);
  return { ...explained, hint: explained.hint ?? LATE_FAILURE_HINT };
}

export async function finishBuild(
  b: EndingBuild,
  outcome: BuildResult['outcome'],
  problems?: string[],
): Promise<BuildResult> {
  const { port, input, failure } = b;
  const tasks = tasksOf(b.book);
  const summary = summarize({
    outcome,
    tasks,
    ledger: b.ledger,
    elapsedMs: port.now() - b.startedAt,
    generation: b.generation,
    ...(problems ? { problems } : {}),
    ...(failure ? { failure } : {}),
    ...(b.delivery ? { delivery: b.delivery } : {}),
  });
  notifyFinished(b.outbox.notifier, input, summary, tasks);
  b.outbox.event(endEvent(outcome), undefined, {
    outcome,
    message: summary.message,
    spentUsd: summary.spentUsd,
    ...(failure ? { failureClass: failure.code } : {}),
    ...(failure?.hint ? { hint: failure.hint } : {}),
  });
  await port.activities.recordBuild(
    buildRecord(input, b.ledger, b.plan?.tasks.length ?? 0, b.startedAt, outcome, {
      finishedAt: port.now(),
      summary: { ...summary },
    }),
  );
  await b.answerReservations();
  await b.outbox.flush(port);
  const delivered = deliveredFeatures(b.plan, tasks);
  if (delivered.length) await markFeatures(b, delivered);
  return { buildId: input.buildId, outcome, summary };
}

function endEvent(outcome: BuildResult['outcome']) {
  if (outcome === 'CANCELLED') return 'BUILD_CANCELLED';
  if (outcome === 'FAILED' || outcome === 'BUDGET_EXHAUSTED') return 'BUILD_FAILED';
  return 'BUILD_COMPLETED';
}

/**
 * The build's outcome is already recorded: a hook that refuses the features.json commit is reported
 * (event with class and hint) instead of failing the finished build without a word.
 */
async function markFeatures(b: EndingBuild, featureIds: string[]): Promise<void> {
  const { port, input } = b;
  try {
    await port.activities.markFeaturesDelivered({
      repoPath: input.repoPath,
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      buildBranch: input.buildBranch,
      featureIds,
      buildId: input.buildId,
    });
  } catch (err) {
    const failed = stepFailure(port, 'Marking features delivered', err);
    const f = explainFailure(failed.code, failed.message);
    b.outbox.event('HOOK_REJECTED', undefined, {
      featureIds,
      failureClass: f.code,
      message: f.message,
      ...(f.hint ? { hint: f.hint } : {}),
    });
    await b.answerReservations();
    await b.outbox.flush(port);
  }
}
