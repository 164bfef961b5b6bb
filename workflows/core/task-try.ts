import Decimal from 'decimal.js';
import type { AttemptKey, MergeTaskResult, ResolveConflictResult } from '../../lib/contracts';
import type { CostReport, DescribedError, TaskPort } from './port';
import type { TaskWorkflowInput } from './types';

/** Merge activities that may lose every race in a row before the try gives up (free retry, not counted). */
export const MAX_MERGE_ROUNDS = 30;

const raceError = (round: number): DescribedError => ({
  type: 'NETWORK',
  message: `The build branch moved under ${round - 1} merges of this task in a row; the task runs again (not counted).`,
  cancelled: false,
});

/** Resolves a conflicted merge of this try's branch (task body: the resolve decision and its event). */
export type OnConflict = (conflict: DescribedError, branch: string) => Promise<ResolveConflictResult>;

export type TryResult =
  | { ok: true; costUsd: string; mergeCommit: string; verification: string }
  | { ok: false; costUsd: string; error: DescribedError; raw: unknown };

/**
 * One try: worktree → agent → commit → verify → quality gate → merge; the worktree is always cleaned up.
 * `attempt` is the try's number on record (its worktree, cost rows and their read-back); `onConflict`
 * gets this run's own numbering from the task body.
 */
export async function tryOnce(
  port: TaskPort,
  input: TaskWorkflowInput,
  attempt: number,
  model: string,
  budgetUsd: string,
  repairFeedback: string | undefined,
  onConflict?: OnConflict,
): Promise<TryResult> {
  const a = port.activities;
  const { task, buildId } = input;
  let spent = '0';
  let worktree: { worktreePath: string; branch: string } | undefined;
  // A remote build: every step may run on another worker, which makes its own worktree of the task.
  const repoUrl = input.repoUrl ? { repoUrl: input.repoUrl } : {};
  const onRemote = (branch: string) =>
    input.repoUrl ? { remote: { url: input.repoUrl, branch, buildId, taskId: task.id } } : {};
  try {
    const prepared = await a.prepareWorktree({
      buildId,
      taskId: task.id,
      attempt,
      repoPath: input.repoPath,
      ...repoUrl,
      buildBranch: input.buildBranch,
    });
    worktree = prepared;
    const agent = await a.runAgent({
      buildId,
      taskId: task.id,
      attempt,
      model,
      worktreePath: prepared.worktreePath,
      baseCommit: prepared.baseCommit,
      task,
      ...(repairFeedback !== undefined ? { repairFeedback } : {}),
      budgetUsd,
      ...onRemote(prepared.branch),
      // Only an argument: the engine runs inside the agent activity, so the commands are the same for both.
      ...(input.agentEngine ? { engine: input.agentEngine } : {}),
    });
    spent = agent.costUsd;
    const commit = await a.commitTask({
      worktreePath: prepared.worktreePath,
      buildId,
      taskId: task.id,
      model,
      message: `${task.title}\n\n${agent.summary}`,
      ...onRemote(prepared.branch),
    });
    if (!commit.commit) {
      return {
        ok: false,
        costUsd: spent,
        raw: null,
        error: {
          type: 'AGENT_INCOMPLETE',
          message: 'The agent finished without changing any file.',
          cancelled: false,
        },
      };
    }
    if (input.verifyCommand) {
      await a.verifyTask({
        worktreePath: prepared.worktreePath,
        command: input.verifyCommand,
        timeoutSeconds: input.verifyTimeoutSeconds ?? 600,
        ...onRemote(prepared.branch),
      });
    }
    // Only builds with a quality.gate schedule this activity: without one the command sequence (and
    // every recorded history) is what it was before the gate existed, so no patched() is needed.
    if (input.qualityGate) {
      await a.checkQualityGate({
        worktreePath: prepared.worktreePath,
        baseCommit: prepared.baseCommit,
        taskId: task.id,
        gate: input.qualityGate,
        ...onRemote(prepared.branch),
      });
    }
    const mergeInput = {
      repoPath: input.repoPath,
      ...repoUrl,
      buildBranch: input.buildBranch,
      branch: prepared.branch,
      buildId,
      taskId: task.id,
    };
    let merged: MergeTaskResult;
    try {
      merged = await a.mergeTask(mergeInput);
      // Other merges kept moving the build branch: merge again, the attempt is not used up by losing.
      for (let round = 1; merged.raceLost && port.patched('merge-race-free'); round++) {
        if (round > MAX_MERGE_ROUNDS)
          return { ok: false, costUsd: spent, raw: null, error: raceError(round) };
        await port.sleep(Math.min(60_000, 2_000 * round));
        merged = await a.mergeTask(mergeInput);
      }
    } catch (err) {
      const conflict = port.describeError(err);
      if (conflict.type !== 'MERGE_CONFLICT' || !onConflict || !port.patched('merge-resolution')) throw err;
      // Resolve before redoing: only a conflict that cannot be resolved costs the task an attempt.
      const resolved = await onConflict(conflict, prepared.branch);
      spent = new Decimal(spent).plus(resolved.costUsd).toString();
      if (!resolved.mergeCommit) {
        const details = { ...conflict.details, resolution: resolved.reason ?? 'not resolved' };
        return { ok: false, costUsd: spent, raw: err, error: { ...conflict, details } };
      }
      merged = { mergeCommit: resolved.mergeCommit };
    }
    // A task counts as done only with its merge on record: gap analysis traces requirements through it.
    if (!merged.mergeCommit)
      return {
        ok: false,
        costUsd: spent,
        raw: null,
        error: { type: 'MERGE_CONFLICT', message: 'The merge recorded no commit.', cancelled: false },
      };
    return {
      ok: true,
      costUsd: spent,
      mergeCommit: merged.mergeCommit,
      verification: input.verifyCommand ?? 'none',
    };
  } catch (err) {
    const error = port.describeError(err);
    // A failed agent call reports what it already spent in its details; later steps cost nothing.
    if (spent === '0' && error.details?.costUsd) spent = error.details.costUsd;
    // A dead worker's agent reports nothing, but each request it sent is on record (issue 27).
    if (spent === '0' && error.details?.workerLost && port.patched('lost-try-cost'))
      spent = await costOnRecord(port, { buildId, taskId: task.id, attempt });
    return { ok: false, costUsd: spent, error, raw: err };
  } finally {
    if (worktree) {
      const { worktreePath, branch } = worktree;
      await port.nonCancellable(() =>
        a.cleanupTask({ repoPath: input.repoPath, ...repoUrl, worktreePath, branch }),
      );
    }
  }
}

/**
 * What a try whose worker died spent: its requests' cost rows, settled or at their worst case (the
 * budget counts the estimates, as `br costs` shows them). Nothing when the rows cannot be read: the
 * try is retried all the same.
 */
async function costOnRecord(port: TaskPort, key: AttemptKey): Promise<string> {
  try {
    return (await port.nonCancellable(() => port.activities.attemptCost(key))).usd;
  } catch (err) {
    if (port.describeError(err).cancelled) throw err;
    return '0';
  }
}

/**
 * Awaits a record step that follows a try whose cost (`unbooked`) the build has not booked yet. A task
 * workflow that fails hands the build no result, so when the step fails (its retries ran out in a long
 * database outage) the try's cost goes to the build by signal before the task fails (issue 27; awaited,
 * so the build has it before the failure). Histories from before replay without the signal.
 */
export async function bookedIfFailing(port: TaskPort, step: Promise<unknown>, unbooked?: CostReport) {
  try {
    await step;
  } catch (err) {
    if (unbooked && port.patched('try-cost-on-failure'))
      await port.nonCancellable(() => port.reportCost(unbooked));
    throw err;
  }
}
