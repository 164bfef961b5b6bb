/**
 * Resolving a merge conflict before redoing the task: the first of the two decisions the fallback
 * matrix takes on MERGE_CONFLICT (the redo is decideFallback's). Taken inside the try, while the task
 * branch still exists; the resolution is paid from the attempt and is not an attempt of its own.
 */
import type { ResolveConflictResult } from '../../lib/contracts';
import type { ModelCatalog } from '../../lib/models';
import type { FallbackDecision, FallbackState } from './fallback';
import type { TaskPort } from './port';
import { modelById, strongerModel } from './routing';
import type { TaskWorkflowInput } from './types';

/**
 * The first decision on a merge conflict, taken inside the try while the task branch exists: resolve
 * it in the merge worktree, on the model a repair would use: the current one, or a stronger one once a
 * resolution on the current one failed. A resolution is not an attempt; only its failure leads to the
 * redo decision of decideFallback.
 */
export function decideResolution(
  state: FallbackState,
  catalog: ModelCatalog,
): { decision: FallbackDecision; state: FallbackState } {
  const s: FallbackState = { ...state };
  const current = modelById(catalog, s.model);
  const stronger = s.resolvedOn === s.model && current ? strongerModel(catalog, current) : null;
  const model = stronger?.id ?? s.model;
  s.resolvedOn = model;
  const label = stronger
    ? `resolve the conflict on ${model} (a resolution on ${state.model} failed)`
    : `resolve the conflict on ${model}`;
  return { decision: { action: 'resolve', model, waitMs: 0, label }, state: s };
}

/** What the task asked for, as the resolver reads it. */
function intentOf(input: TaskWorkflowInput): string {
  const { task } = input;
  const acceptance = task.acceptance.length ? `\n\nAcceptance:\n- ${task.acceptance.join('\n- ')}` : '';
  return `${task.title}\n\n${task.description}${acceptance}`;
}

/**
 * Runs a resolve decision. A failed resolution activity (Claude unavailable, a worker lost) is a
 * conflict not resolved, with what it had spent: the redo decision follows, never a task failure.
 * With `leave` (the attempts the build let resolve), it first asks the build's leave for the conflict
 * on `files`: the build holds it while a redo runs alone, so no resolution lands under that redo.
 */
export async function runResolution(
  port: TaskPort,
  input: TaskWorkflowInput,
  attempt: number,
  branch: string,
  decision: FallbackDecision,
  leave?: { given: ReadonlySet<number>; files: string[] },
): Promise<ResolveConflictResult> {
  try {
    if (leave && port.patched('resolution-waits-for-redo')) {
      const ask = { taskId: input.task.id, attempt, usd: '0', resolve: leave.files };
      await port.requestReservation(ask);
      await port.condition(() => leave.given.has(attempt));
    }
    return await port.activities.resolveConflict({
      repoPath: input.repoPath,
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      buildBranch: input.buildBranch,
      branch,
      buildId: input.buildId,
      taskId: input.task.id,
      model: decision.model,
      // Its cost rows go with the try's, numbered after the earlier runs' tries (issue 27).
      attempt: (input.triesBefore ?? 0) + attempt,
      intent: intentOf(input),
      ...(input.verifyCommand ? { verifyCommand: input.verifyCommand } : {}),
      ...(input.verifyTimeoutSeconds ? { verifyTimeoutSeconds: input.verifyTimeoutSeconds } : {}),
    });
  } catch (err) {
    const d = port.describeError(err);
    if (d.cancelled || d.internal) throw err;
    const reason = `${d.type ?? 'error'}: ${d.message}`;
    return { mergeCommit: null, costUsd: d.details?.costUsd ?? '0', files: [], reason };
  }
}
