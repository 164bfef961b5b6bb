/**
 * The TaskWorkflow body, written only against the TaskPort: route the task to a model, then tries of
 * reserve → prepare worktree → agent → commit (hooks) → verify → merge → cleanup, each followed by a
 * TaskAttempt row, a cost report to the build and, after a failure, the fallback decision.
 */
import Decimal from 'decimal.js';
import type { TelemetryEventInput, TelemetryType } from '../../lib/contracts';
import { isFailureClass, type FailureClass } from '../../lib/failures';
import { decideFallback, initialFallbackState, UnknownFailureError, type FallbackDecision } from './fallback';
import type { ReservationGrant, TaskPort } from './port';
import { LostTries } from './late-cost';
import { initialModel, modelById, reservationUsd } from './routing';
import { decideResolution, runResolution } from './resolution';
import { outageInput } from './outage';
import { together } from './step';
import { bookedIfFailing, tryOnce, type OnConflict } from './task-try';
import { taskEventScope, telemetryEvent } from './telemetry';
import type { TaskResult, TaskWorkflowInput } from './types';

export async function runTask(port: TaskPort, input: TaskWorkflowInput): Promise<TaskResult> {
  const grants = new Map<number, ReservationGrant>();
  const leave = new Set<number>(); // attempts the build let resolve a conflict (resolution.ts)
  const granted = (g: ReservationGrant) => (g.resolve ? leave.add(g.attempt) : grants.set(g.attempt, g));
  port.registerHandlers({ grant: (g) => void (g.taskId === input.task.id && granted(g)) });
  const { task, routing, buildId } = input;
  const level = input.estimate.level;
  const first = initialModel(routing, level);
  let fallback = initialFallbackState(first.id, level);
  let total = new Decimal(0);
  const before = input.triesBefore ?? 0; // tries on record from earlier runs (issue 27)
  const lost = new LostTries(port, { buildId, taskId: task.id }, before);
  let attempt = 0;
  let repairFeedback: string | undefined;
  /** Files a merge conflict showed this task touches: claimed for its next attempts. */
  let learned: string[] = [];
  const taskStartedAt = port.now();
  /** Wall time of the whole task, all attempts and waits included: the metrics' task duration. */
  const durationMs = () => port.now() - taskStartedAt;

  const scope = taskEventScope(port, before); // n: this run's try
  const event = (type: TelemetryType, n: number, data: Record<string, unknown>, model?: string) =>
    telemetryEvent({ type, buildId, taskId: task.id, model, at: port.now(), scope: scope(n, type), data });
  const emit = (events: TelemetryEventInput[]) =>
    port.nonCancellable(() => port.activities.emitEvents(events));
  const result = (outcome: TaskResult['outcome'], extra: Partial<TaskResult> = {}): TaskResult => ({
    taskId: task.id,
    outcome,
    model: fallback.model,
    attempts: attempt,
    costUsd: total.toString(),
    ...extra,
  });

  // Issue 31: the first event is written beside the first step, the last record beside the last event.
  const paired = port.patched('task-records-together');
  const selected = emit([
    event(
      'MODEL_SELECTED',
      0,
      { complexity: level, tier: first.tier, reason: `complexity ${level}` },
      first.id,
    ),
  ]);
  if (paired)
    selected.catch(() => undefined); // awaited after the first try, which fails with it
  else await selected;

  for (;;) {
    attempt += 1;
    const model = modelById(routing.catalog, fallback.model) ?? first;
    const ask = reservationUsd(model, fallback.shareLevel);
    let grant: ReservationGrant;
    // The build reserved the first attempt as it started this task (issue 31): no round trip for it.
    if (attempt === 1 && input.firstGrantUsd)
      grant = { taskId: task.id, attempt, granted: true, usd: input.firstGrantUsd };
    else
      try {
        const claims = learned.length ? { claims: learned } : {};
        await port.requestReservation({ taskId: task.id, attempt, usd: ask, ...claims });
        await port.condition(() => grants.has(attempt));
        grant = grants.get(attempt)!;
      } catch (err) {
        if (port.describeError(err).cancelled) return result('CANCELLED', { attempts: attempt - 1 });
        throw err;
      }
    if (!grant.granted) {
      return result('CANCELLED', {
        attempts: attempt - 1,
        error: 'The build stopped before this attempt could run.',
      });
    }

    const startedAt = port.now();
    const share = grant.usd ?? ask;
    const n = attempt;
    let resolution: { files: string[]; resolved: boolean } | undefined;
    const onConflict: OnConflict = async (conflict, branch) => {
      const decided = decideResolution(fallback, routing.catalog);
      fallback = decided.state;
      const asked = { given: leave, files: conflict.details?.files ?? [] };
      const r = await runResolution(port, input, n, branch, decided.decision, asked);
      const files = conflict.details?.files ?? r.files;
      const data = { decision: decided.decision.label, files, resolved: !!r.mergeCommit, costUsd: r.costUsd };
      // Told to the build, which runs attempts one at a time once resolutions of a file mostly fail.
      if (port.patched('resolution-reported')) resolution = { files, resolved: data.resolved };
      await emit([
        event('MERGE_RESOLUTION', n, { ...data, reason: r.reason?.slice(0, 500) }, decided.decision.model),
      ]);
      return r;
    };
    const tried = await tryOnce(port, input, before + attempt, model.id, share, repairFeedback, onConflict);
    const cost = { taskId: task.id, attempt, usd: tried.costUsd };
    if (paired) await bookedIfFailing(port, selected, cost);
    total = total.plus(tried.costUsd).plus(await lost.settle(attempt, tried));
    // A lean build (issue 31) books a successful last try's cost from this task's result, unless it
    // resolved a conflict: the build counts resolutions (conflict-gate.ts).
    if (!(tried.ok && input.costInResult) || resolution)
      await port.nonCancellable(() =>
        port.reportCost({
          ...cost,
          ...(!tried.ok && tried.error.type === 'QUOTA_EXHAUSTED' ? { quotaExhausted: true } : {}),
          ...(resolution ? { resolution } : {}),
        }),
      );
    const record = (
      outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
      extra: { failureClass?: FailureClass; decision?: string; detail?: string } = {},
    ) =>
      port.nonCancellable(() =>
        port.activities.recordAttempt({
          buildId,
          taskId: task.id,
          attempt: before + attempt,
          model: model.id,
          outcome,
          costUsd: tried.costUsd,
          startedAt,
          finishedAt: port.now(),
          ...extra,
        }),
      );

    if (tried.ok) {
      const recorded = record('SUCCEEDED', {
        detail: `merged ${tried.mergeCommit}; verification: ${tried.verification}`,
      });
      if (!paired) await recorded;
      const data = { attempts: attempt, costUsd: total.toString(), durationMs: durationMs() };
      const completed = emit([event('TASK_COMPLETED', attempt, data, model.id)]);
      const unbooked = input.costInResult && !resolution ? cost : undefined;
      if (paired) await bookedIfFailing(port, together([recorded, completed]), unbooked);
      else await completed;
      return result('SUCCEEDED', { mergeCommit: tried.mergeCommit, verification: tried.verification });
    }
    const failure = tried.error;
    if (failure.cancelled) {
      await record('CANCELLED', { detail: 'cancelled' });
      return result('CANCELLED', { error: 'Cancelled while running.' });
    }
    const cls = isFailureClass(failure.type) ? failure.type : undefined;
    const conflicted = cls === 'MERGE_CONFLICT' ? (failure.details?.files ?? []) : [];
    if (conflicted.length && port.patched('conflict-claims'))
      learned = [...new Set([...learned, ...conflicted])];
    let decision: FallbackDecision;
    try {
      const decided = decideFallback({
        type: failure.type,
        details: failure.details,
        state: fallback,
        catalog: routing.catalog,
        maxAttempts: routing.maxAttemptsPerTask,
        budgetShareSpent: cls === 'AGENT_INCOMPLETE' && new Decimal(tried.costUsd).gte(share),
        // API outages are waited out (issue 27); histories from before replay the old decisions.
        ...(port.patched('api-outage-wait') ? outageInput(port, routing.outageWaitMinutes, cls) : {}),
        // A dead worker's try runs again at once instead of after 5 s (issue 27, takeover); asked only
        // on a lost worker, so other histories get no marker.
        ...(failure.details?.workerLost && port.patched('worker-lost-at-once')
          ? { retryLostWorkerAtOnce: true }
          : {}),
      });
      decision = decided.decision;
      fallback = decided.state;
    } catch (err) {
      if (!(err instanceof UnknownFailureError)) throw err;
      await record('FAILED', { decision: 'rethrow (unknown failure type)', detail: failure.message });
      await emit([
        event(
          'TASK_FAILED',
          attempt,
          { failureType: failure.type ?? null, error: failure.message, durationMs: durationMs() },
          model.id,
        ),
      ]);
      throw tried.raw;
    }

    await record('FAILED', {
      failureClass: cls,
      decision: decision.label,
      detail: failure.message.slice(0, 2000),
    });
    const events = [
      event(
        'FALLBACK_APPLIED',
        attempt,
        {
          failureClass: cls,
          action: decision.action,
          decision: decision.label,
          from: model.id,
          to: decision.model,
          waitMs: decision.waitMs,
          shareLevel: fallback.shareLevel,
        },
        model.id,
      ),
    ];
    if (cls === 'HOOK_REJECTED' || cls === 'MERGE_CONFLICT' || cls === 'QUALITY_GATE_FAILED')
      events.push(event(cls, attempt, { detail: failure.message.slice(0, 500) }, model.id));
    if (decision.action === 'stop')
      events.push(
        event(
          'TASK_FAILED',
          attempt,
          { failureClass: cls, reason: decision.label, durationMs: durationMs() },
          model.id,
        ),
      );
    else if (decision.model !== model.id)
      events.push(
        event('MODEL_SELECTED', attempt, { reason: decision.label, from: model.id }, decision.model),
      );
    await emit(events);
    if (decision.action === 'stop')
      return result('FAILED', { failureClass: cls, error: `${decision.label}: ${failure.message}` });

    repairFeedback = decision.repairFeedback;
    if (decision.waitMs > 0) {
      try {
        await port.sleep(decision.waitMs);
      } catch (err) {
        if (port.describeError(err).cancelled)
          return result('CANCELLED', { error: 'Cancelled while waiting to retry.' });
        throw err;
      }
    }
  }
}
