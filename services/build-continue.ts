import Decimal from 'decimal.js';
import { badValue, UserError } from '../lib/errors';
import { isPositiveUsd } from '../lib/usd';
import type { CarryOn } from '../workflows/core/port';
import type { BuildWorkflowInput, CompactTaskState } from '../workflows/core/types';
import type { ServiceContext } from './context';
import { keptWorkProblem } from './build-continue-branch';
import { spentOnRecord, spentToCarry } from './build-continue-spent';
import { routingStartingOn } from './build-continue-model';
import { triesOnRecord, triesToCarry } from './build-continue-tries';
import { lookupBuild } from './builds';
import { webUiLink, withTemporal } from './temporal-client';

/**
 * `br build continue` and MCP's br_build_control `continue` (issue 27): a new run of a build that ended
 * FAILED, PARTIAL, BUDGET_EXHAUSTED or CANCELLED, on its existing build branch. The ended run answers
 * the carryOn query (its input, plan, estimates, task states and spend); the new run starts from that
 * carry-over, as a continue-as-new run would: merged tasks are kept and never run or paid for again,
 * the others run (all of them, or the `only` ones). The spent total carries over; `budgetUsd` is what
 * may still be spent (default: budget.defaultUsd).
 */
export interface ContinueRequest {
  buildId: string;
  budgetUsd?: string;
  only?: string[];
  /** The first model of the tasks that run again (their tier starts on it). */
  model?: string;
}

export interface ContinueResult {
  buildId: string;
  runId: string;
  previousOutcome: string;
  /** Merged in an earlier run: kept, not run. */
  kept: string[];
  /** Run again in this run. */
  run: string[];
  spentUsd: string;
  budgetUsd: string;
  webUiUrl: string | null;
}

export async function continueBuild(ctx: ServiceContext, request: ContinueRequest): Promise<ContinueResult> {
  const { buildId } = request;
  if (request.budgetUsd !== undefined && !isPositiveUsd(request.budgetUsd))
    throw badValue(
      `--budget must be a positive amount in USD, such as 5 or 12.50 (got "${request.budgetUsd}").`,
    );
  if (request.only && request.only.length === 0)
    throw badValue(
      '--only names no task: give task ids separated by commas, or leave --only out to run them all.',
    );
  const now = await lookupBuild(ctx, buildId);
  if (!now)
    throw new UserError(
      `No build "${buildId}" on this Temporal namespace. List builds with \`br build list\`.`,
      {
        code: 'NOT_FOUND',
      },
    );
  if (now === 'running')
    throw new UserError(
      `Build ${buildId} is still running: there is nothing to continue. Watch it with \`br build watch ${buildId}\`; ` +
        `to continue it differently, cancel it first (\`br build cancel ${buildId}\`), then continue it.`,
      { code: 'BUILD_RUNNING' },
    );
  if (now.outcome === 'SUCCEEDED')
    throw new UserError(
      `Build ${buildId} SUCCEEDED: there is nothing to continue. To build the spec again from scratch ` +
        '(every task runs and is paid for again), run `br build start --rebuild`.',
      { code: 'BUILD_SUCCEEDED' },
    );
  const { carryOnQuery, MEMO } = await import('../workflows/messages');
  return withTemporal(ctx, async (client) => {
    const previous = client.workflow.getHandle(buildId);
    const carry = await previous.query(carryOnQuery).catch((err: unknown) => {
      throw noReplayingWorker(buildId, ctx.config.temporal.taskQueue, err);
    });
    if (!carry)
      throw new UserError(
        `Build ${buildId} ended (${now.outcome}) before it had a plan: there is no work to keep. ` +
          'Start it again with `br build start --rebuild`.',
        { code: 'NOTHING_TO_CONTINUE' },
      );
    const spentUsd = spentToCarry(carry.carried.spentUsd, await spentOnRecord(ctx, buildId));
    const counted = { ...carry, carried: { ...carry.carried, spentUsd } };
    const { input, kept, run, budgetUsd, more } = continuation(
      counted,
      request,
      ctx.config.budget.defaultUsd,
      await triesOnRecord(ctx, buildId),
    );
    if (!input.repoUrl) {
      const problem = await keptWorkProblem(input.repoPath, input.buildBranch, input.carried!.finished);
      if (problem) throw new UserError(problem, { code: 'BUILD_BRANCH_MOVED' });
    }
    const { WorkflowExecutionAlreadyStartedError } = await import('@temporalio/client');
    const started = await client.workflow
      .start('buildWorkflow', {
        workflowId: buildId,
        taskQueue: ctx.config.temporal.taskQueue,
        args: [input],
        // A new run of an ended build, on purpose; a build running by now is never joined or replaced.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        memo: {
          [MEMO.project]: input.project,
          [MEMO.specPath]: input.specPath,
          [MEMO.budgetUsd]: budgetUsd,
          [MEMO.modelTaskQueuePrefix]: ctx.config.temporal.modelTaskQueuePrefix,
          continuedFrom: now.outcome,
        },
        staticSummary: `Continue build ${input.project} · ${input.specPath} · ${run.length} task(s) to run, ${kept.length} kept · budget $${more} more`,
        staticDetails: `Continues the run that ended ${now.outcome}; merged tasks kept: ${kept.join(', ') || 'none'}.`,
      })
      .catch((err: unknown) => {
        // Another `br build continue` (or a rebuild) started a run between the look and this start.
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          throw new UserError(
            `Build ${buildId} was started again a moment ago (by another \`br build continue\`?): nothing more ` +
              `was started. Watch it with \`br build watch ${buildId}\`.`,
            { code: 'BUILD_RUNNING' },
          );
        throw err;
      });
    return {
      buildId,
      runId: started.firstExecutionRunId,
      previousOutcome: now.outcome,
      kept,
      run,
      spentUsd: input.carried!.spentUsd,
      budgetUsd,
      webUiUrl: webUiLink(ctx, buildId),
    };
  });
}

/**
 * The new run's input, from the ended run's carryOn answer: merged tasks kept, the others (or the
 * `only` ones) to run, the first model and the budget; each task's tries so far (`triesOnRecord`, the
 * highest try number on record by task), after which the new run numbers its own. A build whose every task is merged but which
 * did not deliver (its delivery gate rejected or timed out, its delivery refused) runs no task: the
 * new run goes straight to delivery, and to its gate again when one is configured.
 */
export function continuation(
  carry: CarryOn,
  request: Omit<ContinueRequest, 'buildId'>,
  defaultBudgetUsd: string,
  onRecord: Record<string, number> | null = null,
): { input: BuildWorkflowInput; kept: string[]; run: string[]; budgetUsd: string; more: string } {
  const { input, carried } = carry;
  const buildId = input.buildId;
  const ids = carried.plan.tasks.map((t) => t.id);
  const unknown = (request.only ?? []).filter((id) => !ids.includes(id));
  if (unknown.length)
    throw new UserError(
      `--only names no task of this build: ${unknown.join(', ')} (its tasks: ${ids.join(', ')}).`,
      {
        code: 'CONFIG_INVALID',
      },
    );
  const finished: Record<string, CompactTaskState> = {};
  const kept: string[] = [];
  const run: string[] = [];
  for (const id of ids) {
    const was = carried.finished[id];
    if (was?.state === 'SUCCEEDED') {
      finished[id] = was;
      kept.push(id);
    } else if (request.only && !request.only.includes(id)) {
      // Left out by --only: stays as it ended (its dependents are blocked), never PENDING.
      finished[id] = was ?? { state: 'CANCELLED', attempts: 0, costUsd: '0', error: 'left out by --only' };
    } else run.push(id);
  }
  if (request.only) waitsForLeftOut(carried.plan.tasks, run, kept, finished);
  const undelivered = !!input.delivery && kept.length === ids.length;
  if (run.length === 0 && !undelivered)
    throw new UserError(`Build ${buildId}: every task chosen is already merged; nothing to run.`, {
      code: 'NOTHING_TO_CONTINUE',
    });
  const routing = request.model ? routingStartingOn(input.routing, request.model) : input.routing;
  const more = request.budgetUsd ?? defaultBudgetUsd;
  const budgetUsd = new Decimal(carried.spentUsd).plus(more).toString();
  const triesBefore = triesToCarry(carried, onRecord);
  return {
    input: {
      ...input,
      routing,
      carried: {
        ...{ ...carried, finished, budgetUsd, alertsFired: [], paused: false },
        continued: (carried.continued ?? 0) + 1,
        ...(triesBefore ? { triesBefore } : {}),
      },
    },
    kept,
    run,
    budgetUsd,
    more,
  };
}

/**
 * The ended run's carry-over is a query, which only a worker replaying that run can answer: with none
 * polling the build's queue the server gives up after about 30 s ("Failed to query Workflow").
 */
function noReplayingWorker(buildId: string, taskQueue: string, err: unknown): UserError {
  const reason = err instanceof Error ? err.message : String(err);
  return new UserError(
    `Could not read what build ${buildId} kept: its ended run is read by a worker replaying it, and no ` +
      `worker on the task queue "${taskQueue}" answered (${reason}). Nothing was started. Start one with ` +
      `\`br worker\` (or \`br dev\`) where the repository is, then run \`br build continue ${buildId}\` again.`,
    { code: 'NO_WORKER' },
  );
}

/**
 * `--only` naming a task whose dependency it leaves out (failed, blocked, never started): that task
 * would be BLOCKED at once and the run would do nothing for it, so it is refused with what to add.
 */
function waitsForLeftOut(
  tasks: { id: string; dependsOn: string[] }[],
  run: string[],
  kept: string[],
  finished: Record<string, CompactTaskState>,
): void {
  const ready = new Set([...run, ...kept]);
  const stuck = tasks
    .filter((t) => run.includes(t.id))
    .map((t) => ({ id: t.id, missing: t.dependsOn.filter((d) => !ready.has(d)) }))
    .filter((t) => t.missing.length > 0);
  if (!stuck.length) return;
  const missing = [...new Set(stuck.flatMap((t) => t.missing))];
  throw new UserError(
    `--only ${stuck.map((t) => t.id).join(', ')}: ${stuck.length > 1 ? 'they wait' : 'it waits'} for ` +
      `${missing.map((d) => `${d} (${finished[d]?.state ?? 'not run'})`).join(', ')}, which --only leaves out: ` +
      `${stuck.length > 1 ? 'they' : 'it'} would be BLOCKED at once and nothing would run for ${stuck.length > 1 ? 'them' : 'it'}. ` +
      `Add ${missing.join(',')} to --only, or leave --only out.`,
    { code: 'CONFIG_INVALID' },
  );
}
