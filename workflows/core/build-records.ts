/**
 * What a build writes down: the Build and Task rows, the state carried through continue-as-new, and
 * the features its tasks delivered. Pure functions of the build's state.
 */
import type { ComplexityEstimate, RecordBuildInput, RecordTaskInput } from '../../lib/contracts';
import type { Complexity, Plan, PlannedTask } from '../../lib/plan';
import { levelOf } from './build-report';
import type { CarryOn } from './port';
import { initialModel } from './routing';
import type { BuildCarryOver, BuildWorkflowInput, CompactTaskState, TaskWorkflowInput } from './types';

export interface LedgerTotals {
  limitUsd: string;
  spentUsd: string;
  alertsFired: number[];
}

export function taskRecord(
  input: BuildWorkflowInput,
  plan: Plan,
  estimates: Record<string, ComplexityEstimate>,
  id: string,
  t: CompactTaskState,
): RecordTaskInput {
  const p = plan.tasks.find((x) => x.id === id)!;
  return {
    buildId: input.buildId,
    taskId: id,
    title: p.title,
    status: t.state,
    complexity: levelOf(estimates, plan, id),
    attempts: t.attempts,
    costUsd: t.costUsd,
    dependsOn: p.dependsOn,
    files: p.files,
    ...(t.model ? { model: t.model } : {}),
    ...(t.error ? { error: t.error } : {}),
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.finishedAt !== undefined ? { finishedAt: t.finishedAt } : {}),
    ...(p.requirementIds?.length ? { requirementIds: p.requirementIds } : {}),
    ...(p.features?.length ? { features: p.features } : {}),
    ...(t.mergeCommit ? { mergeCommit: t.mergeCommit } : {}),
    ...(t.verification ? { verification: t.verification } : {}),
  };
}

export function buildRecord(
  input: BuildWorkflowInput,
  ledger: LedgerTotals,
  taskCount: number,
  startedAt: number,
  status: string,
  extra: { finishedAt?: number; summary?: Record<string, unknown> } = {},
): RecordBuildInput {
  return {
    buildId: input.buildId,
    project: input.project,
    specPath: input.specPath,
    specHash: input.specHash,
    repoPath: input.repoPath,
    ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
    baseBranch: input.baseBranch,
    buildBranch: input.buildBranch,
    status,
    budgetUsd: ledger.limitUsd,
    costUsd: ledger.spentUsd,
    parallel: input.parallel,
    taskCount,
    startedAt,
    ...extra,
  };
}

/** Terminal tasks only: running ones are drained before continuing as new. */
export function carryOver(state: {
  plan: Plan;
  estimates: Record<string, ComplexityEstimate>;
  tasks: Map<string, CompactTaskState>;
  ledger: LedgerTotals;
  paused: boolean;
  startedAt: number;
  generation: number;
  continued?: number | undefined;
  triesBefore?: Record<string, number> | undefined;
}): BuildCarryOver {
  const finished: Record<string, CompactTaskState> = {};
  for (const [id, t] of state.tasks) if (t.state !== 'PENDING' && t.state !== 'RUNNING') finished[id] = t;
  return {
    plan: state.plan,
    estimates: state.estimates,
    finished,
    spentUsd: state.ledger.spentUsd,
    budgetUsd: state.ledger.limitUsd,
    alertsFired: state.ledger.alertsFired,
    paused: state.paused,
    startedAt: state.startedAt,
    generation: state.generation + 1,
    raisesApplied: 0,
    ...(state.continued ? { continued: state.continued } : {}),
    ...(state.triesBefore ? { triesBefore: state.triesBefore } : {}),
  };
}

/** The carryOn query's answer: the build's input without the previous carry-over, and the new one. */
export function carryOn(input: BuildWorkflowInput, carried: BuildCarryOver): CarryOn {
  const { carried: _previous, ...rest } = input;
  return { input: rest, carried };
}

/** Features every one of whose tasks succeeded. */
export function deliveredFeatures(plan: Plan | undefined, tasks: Map<string, CompactTaskState>): string[] {
  const ok = new Map<string, boolean>();
  for (const t of plan?.tasks ?? []) {
    for (const f of t.features ?? [])
      ok.set(f, (ok.get(f) ?? true) && tasks.get(t.id)?.state === 'SUCCEEDED');
  }
  return [...ok].filter(([, v]) => v).map(([f]) => f);
}

/** The model a task starts on, so per-model metrics count it where it began. */
export function startingModel(
  input: BuildWorkflowInput,
  level: Parameters<typeof initialModel>[1],
): string | undefined {
  try {
    return initialModel(input.routing, level).id;
  } catch {
    return undefined; // the task itself reports a catalog without a usable model
  }
}

/** The input of one task's child workflow; a task without an estimate starts at its level's tier. */
export function taskWorkflowInput(
  input: BuildWorkflowInput,
  buildWorkflowId: string,
  task: PlannedTask,
  level: Complexity,
  estimate: ComplexityEstimate | undefined,
): TaskWorkflowInput {
  return {
    buildId: input.buildId,
    buildWorkflowId,
    repoPath: input.repoPath,
    ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
    buildBranch: input.buildBranch,
    task,
    estimate: estimate ?? {
      level,
      score: 50,
      reasons: ['no estimate'],
      recommendedTier: input.routing.tiers[level],
    },
    routing: input.routing,
    ...(input.verifyCommand ? { verifyCommand: input.verifyCommand } : {}),
    ...(input.verifyTimeoutSeconds ? { verifyTimeoutSeconds: input.verifyTimeoutSeconds } : {}),
    ...(input.qualityGate ? { qualityGate: input.qualityGate } : {}),
    ...(input.agentEngine ? { agentEngine: input.agentEngine } : {}),
    ...(input.carried?.triesBefore?.[task.id] ? { triesBefore: input.carried.triesBefore[task.id] } : {}),
  };
}
