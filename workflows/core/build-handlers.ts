/**
 * The handlers a running build registers with its host (port.ts, BuildHandlers): pause, resume,
 * cancel and budget raises from the operator, reservations and cost reports from its tasks, the
 * progress and carryOn queries, and the approval gate. Each change wakes the build's loop.
 */
import { isPositiveUsd, isUsd } from '../../lib/usd';
import { carryOn } from './build-records';
import { snapshot } from './build-report';
import type { BuildState } from './build-state';
import type { BuildHandlers, BuildPort } from './port';
import { tasksOf } from './task-book';
import type { BuildWorkflowInput } from './types';

export function buildHandlers(port: BuildPort, input: BuildWorkflowInput, s: BuildState): BuildHandlers {
  const ledger = s.budget.ledger;
  const bump = () => s.bump();
  return {
    pause: () => ((s.paused = true), bump()),
    resume: () => ((s.paused = false), ledger.resetQuota(), bump()),
    cancel: () => ((s.cancelRequested = true), bump()),
    raiseBudget: (usd) => {
      if (!isUsd(usd)) return;
      // A raise of 0 means nothing (lib/usd.ts); histories from before the rule took it as a no-op raise.
      if (!isPositiveUsd(usd) && port.patched('zero-raise-ignored')) return;
      ledger.raise(usd);
      bump();
    },
    requestReservation: (msg) => {
      // Leave to resolve a conflict is no reservation: answered once no redo runs alone (issue 36).
      if (msg.resolve) s.book?.askToResolve(msg, () => port.patched('redo-beside-older-attempts'));
      else {
        s.book?.learnClaims(msg);
        s.budget.hold(msg);
      }
      bump();
    },
    reportCost: (msg) => {
      s.book?.costReported(msg);
      s.budget.reconcile(msg, port.now());
      bump();
    },
    progress: () =>
      snapshot({
        buildId: input.buildId,
        status: s.status,
        paused: s.paused,
        plan: s.plan,
        estimates: s.estimates,
        tasks: tasksOf(s.book),
        ledger,
        startedAt: s.startedAt,
        now: port.now(),
        alerts: s.budget.alerts,
        generation: s.generation,
        ...(s.failure ? { failure: s.failure } : {}),
        approval: s.gate.progress(),
        ...(s.delivery ? { delivery: s.delivery } : {}),
      }),
    approval: s.gate,
    carryOn: () => (s.book ? carryOn(input, s.carryOver(s.book)) : null),
  };
}
