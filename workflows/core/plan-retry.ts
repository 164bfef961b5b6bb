/**
 * Claude planning inside the build under the build's one retry layer (fallback.ts), as a task's agent
 * runs: a rate limit waits its retry-after on the same model, overloaded or server errors back off and
 * may switch model, auth or an invalid request stops. The planner runs in the build since a start
 * returns at once (issue 35), so this is where its failures are handled. A failed try's cost (an
 * invalid plan that was paid for) is booked like any other.
 */
import type { PlanBuildInput } from '../../lib/contracts';
import type { Plan } from '../../lib/plan';
import { decideFallback, initialFallbackState, UnknownFailureError } from './fallback';
import type { BuildPort } from './port';
import { domainError } from './step';
import type { BuildWorkflowInput } from './types';

export async function planWithFallback(
  port: BuildPort,
  input: BuildWorkflowInput,
  request: PlanBuildInput & { model: string },
  spent: (usd: string) => void,
): Promise<{ plan: Plan; costUsd: string }> {
  let state = initialFallbackState(request.model, 'complex');
  for (;;) {
    try {
      return await port.activities.planBuild({ ...request, model: state.model });
    } catch (err) {
      const failure = domainError(port, err);
      if (failure.details?.costUsd) spent(failure.details.costUsd);
      let next;
      try {
        next = decideFallback({
          type: failure.type,
          details: failure.details,
          state,
          catalog: input.routing.catalog,
          maxAttempts: input.routing.maxAttemptsPerTask,
        });
      } catch (unknown) {
        if (unknown instanceof UnknownFailureError) throw err;
        throw unknown;
      }
      const { action, waitMs } = next.decision;
      if (action === 'stop' || action === 'wait-for-breaker' || action === 'repair') throw err;
      if (waitMs) await port.sleep(waitMs);
      state = next.state;
    }
  }
}
