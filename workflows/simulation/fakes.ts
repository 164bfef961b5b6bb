/**
 * Fake activities for the simulation runtime: a fake git that tracks worktrees and merges, an agent
 * whose outcome per try comes from a script, and an in-memory store of everything the persistence
 * activities would write. Never calls Claude, never writes a cost row.
 */
import Decimal from 'decimal.js';
import type {
  NotifyInput,
  NotifyResult,
  RecordAttemptInput,
  RecordBuildInput,
  RecordTaskInput,
  ResolveConflictInput,
  RunAgentInput,
  TelemetryEventInput,
} from '../../lib/contracts';
import type { FailureDetails } from '../../lib/failures';
import { estimateTasks } from '../../lib/estimate/heuristic';
import type { Complexity, Plan } from '../../lib/plan';
import { buildBranchName, taskBranchName } from '../../lib/ids';
import { DEFAULT_CATALOG } from '../../lib/models';
import { DEFAULT_TIERS, type BuildWorkflowInput } from '../core/types';
import { SimFailure, type SimActivities, type SimCall } from './runtime';

export interface AgentOutcome {
  durationMs: number;
  costUsd: string;
  /** The try fails at this stage with this failure type. */
  failure?: {
    type: string;
    stage: 'agent' | 'commit' | 'verify' | 'gate' | 'merge';
    details?: FailureDetails;
    message?: string;
  };
  /** The agent changes nothing (commit returns null). */
  noChanges?: boolean;
}

export type AgentScript = (call: RunAgentInput) => AgentOutcome;

export interface SimStore {
  builds: RecordBuildInput[];
  tasks: Map<string, RecordTaskInput>;
  attempts: RecordAttemptInput[];
  events: Map<string, TelemetryEventInput>;
  agentCalls: RunAgentInput[];
  featuresDelivered: string[];
  /** Build branches delivered (delivery.mode). */
  delivered: string[];
  /** Every worktree ever created, and the ones still present. */
  worktreesCreated: number;
  worktrees: Set<string>;
  merged: string[];
  /** Every notifier call, in order (a failed one too). */
  notifications: NotifyInput[];
  /** What each agent try spent, by `task#attempt`, as its cost rows sum up (a lost worker's too). */
  costsOnRecord: Map<string, string>;
}

export interface FakeOptions {
  plan: Plan;
  agent: AgentScript;
  /** Virtual ms of the non-agent activities (default 1 s each; persistence 0). */
  gitMs?: number;
  planCostUsd?: string;
  /** Force every task to this complexity instead of the heuristic estimate. */
  level?: Complexity;
  /** Or choose the estimated complexity per task (benchmarks: a noisy view of a hidden difficulty). */
  levelOf?: (taskId: string) => Complexity;
  /** A merge-conflict resolution's duration, cost and result (default: it gives up at once, for free). */
  resolve?: (input: ResolveConflictInput) => { durationMs: number; costUsd: string; resolved: boolean };
  /** A delivery's duration and verdict (default: delivered at once); throw SimFailure to fail it. */
  notify?: (input: NotifyInput) => { durationMs: number; result: () => NotifyResult };
}

const ok = <R>(durationMs: number, complete: () => R): SimCall<R> => ({ durationMs, complete });

export function createFakeActivities(options: FakeOptions): { activities: SimActivities; store: SimStore } {
  const store: SimStore = {
    builds: [],
    tasks: new Map(),
    attempts: [],
    events: new Map(),
    agentCalls: [],
    featuresDelivered: [],
    delivered: [],
    worktreesCreated: 0,
    worktrees: new Set(),
    merged: [],
    notifications: [],
    costsOnRecord: new Map(),
  };
  const gitMs = options.gitMs ?? 1000;
  /** The pending stage failure of each worktree, decided when its agent ran. */
  const pending = new Map<string, AgentOutcome>();
  const pathOfBranch = new Map<string, string>();
  const fail = (o: AgentOutcome | undefined, stage: NonNullable<AgentOutcome['failure']>['stage']) => {
    if (o?.failure?.stage === stage) {
      throw new SimFailure(
        o.failure.type,
        o.failure.message ?? `${o.failure.type} at ${stage}`,
        o.failure.details,
      );
    }
  };

  const activities: SimActivities = {
    planBuild: () => ok(0, () => ({ plan: options.plan, costUsd: options.planCostUsd ?? '0' })),
    estimateComplexity: (input) =>
      ok(0, () => {
        const estimates = estimateTasks(input.tasks);
        for (const [id, e] of Object.entries(estimates)) {
          const level = options.levelOf?.(id) ?? options.level;
          if (level) Object.assign(e, { level, recommendedTier: DEFAULT_TIERS[level] });
        }
        return { estimates, costUsd: '0' };
      }),
    ensureBuildBranch: () => ok(gitMs, () => undefined),
    prepareWorktree: (input) =>
      ok(gitMs, () => {
        const worktreePath = `/sim/worktrees/${input.taskId}-${input.attempt}`;
        store.worktrees.add(worktreePath);
        store.worktreesCreated += 1;
        const branch = taskBranchName(input.buildId, input.taskId, input.attempt);
        pathOfBranch.set(branch, worktreePath);
        return { worktreePath, branch, baseCommit: 'base' };
      }),
    runAgent: (input) => {
      store.agentCalls.push(input);
      let outcome = options.agent(input);
      // The agent stops at its spending cap: what it spent is the cap, and it did not finish.
      if (!outcome.failure && new Decimal(outcome.costUsd).gt(input.budgetUsd)) {
        outcome = {
          ...outcome,
          costUsd: input.budgetUsd,
          failure: { type: 'AGENT_INCOMPLETE', stage: 'agent', message: 'budget share spent' },
        };
      }
      pending.set(input.worktreePath, outcome);
      const key = `${input.taskId}#${input.attempt}`; // rows add up: a try number used twice reads both
      store.costsOnRecord.set(
        key,
        Decimal.sum(store.costsOnRecord.get(key) ?? 0, outcome.costUsd).toString(),
      );
      return ok(outcome.durationMs, () => {
        if (outcome.failure?.stage === 'agent') {
          // A lost worker's try reports nothing (its spend is only in its cost rows).
          const details = outcome.failure.details?.workerLost
            ? outcome.failure.details
            : { ...outcome.failure.details, costUsd: outcome.costUsd };
          throw new SimFailure(
            outcome.failure.type,
            outcome.failure.message ?? outcome.failure.type,
            details,
          );
        }
        return {
          outcome: 'finished' as const,
          summary: `done ${input.taskId}`,
          turns: 3,
          usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
          costUsd: outcome.costUsd,
          servedModel: input.model,
        };
      });
    },
    commitTask: (input) =>
      ok(gitMs, () => {
        const o = pending.get(input.worktreePath);
        if (o) fail(o, 'commit');
        return { commit: o?.noChanges ? null : `c-${input.taskId}` };
      }),
    verifyTask: (input) => ok(gitMs, () => fail(pending.get(input.worktreePath), 'verify')),
    checkQualityGate: (input) => ok(gitMs, () => fail(pending.get(input.worktreePath), 'gate')),
    mergeTask: (input) =>
      ok(gitMs, () => {
        const o = pending.get(pathOfBranch.get(input.branch) ?? '');
        if (o) fail(o, 'merge');
        store.merged.push(input.taskId);
        return { mergeCommit: `m-${input.taskId}` };
      }),
    resolveConflict: (input) => {
      const r = options.resolve?.(input) ?? { durationMs: 0, costUsd: '0', resolved: false };
      return ok(r.durationMs, () => {
        if (r.resolved) store.merged.push(input.taskId);
        const mergeCommit = r.resolved ? `m-${input.taskId}-resolved` : null;
        return { mergeCommit, costUsd: r.costUsd, files: [], ...(r.resolved ? {} : { reason: 'gave up' }) };
      });
    },
    cleanupTask: (input) =>
      ok(gitMs / 2, () => {
        store.worktrees.delete(input.worktreePath);
        pending.delete(input.worktreePath);
      }),
    recordBuild: (input) => ok(0, () => void store.builds.push(input)),
    recordTask: (input) => ok(0, () => void store.tasks.set(input.taskId, input)),
    recordAttempt: (input) => ok(0, () => void store.attempts.push(input)),
    emitEvents: (events) =>
      ok(0, () => events.forEach((e) => store.events.has(e.dedupeKey) || store.events.set(e.dedupeKey, e))),
    attemptCost: (key) =>
      ok(0, () => {
        const usd = store.costsOnRecord.get(`${key.taskId}#${key.attempt}`);
        return { usd: usd ?? '0', requests: usd ? 1 : 0, unsettled: 0 };
      }),
    markFeaturesDelivered: (input) => ok(0, () => void store.featuresDelivered.push(...input.featureIds)),
    notify: (input) => {
      const n = options.notify?.(input) ?? {
        durationMs: 0,
        result: () => ({ status: 'delivered' as const }),
      };
      return ok(n.durationMs, () => {
        store.notifications.push(input);
        return n.result();
      });
    },
    deliverBuild: (input) =>
      ok(gitMs, () => {
        store.delivered.push(input.buildBranch);
        return { how: 'fast-forward' as const, commit: `m-${input.buildId}`, where: 'branch' as const };
      }),
  };
  return { activities, store };
}

/** A build input for simulation: default catalog and routing, a verify step (the fake always has one). */
export function simulationInput(plan: Plan, overrides: Partial<BuildWorkflowInput> = {}): BuildWorkflowInput {
  return {
    buildId: 'sim',
    project: plan.project,
    repoPath: '/sim/repo',
    baseBranch: 'main',
    buildBranch: buildBranchName('sim'),
    specPath: 'PROJECT_SPEC.md',
    specHash: 'sim',
    plan,
    planner: 'heuristic',
    estimator: 'heuristic',
    budgetUsd: '1000',
    parallel: 4,
    routing: { tiers: { ...DEFAULT_TIERS }, maxAttemptsPerTask: 4, catalog: DEFAULT_CATALOG },
    alertThresholds: [0.5, 0.8, 1],
    verifyCommand: 'npm test',
    ...overrides,
  };
}
