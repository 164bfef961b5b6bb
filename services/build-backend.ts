import { explainFailure, hintFor, type ExplainedFailure } from '../lib/failure-hints';
import type { BuildBackend, BuildNow, ProgressSnapshot, StartedBuild } from './build-types';
import type { ServiceContext } from './context';
import type { PlannerChoice, ProducedPlan } from './plan-source';

type PlannedBuild = ProducedPlan & { source: 'file' | 'planned' };

/**
 * The one place that chooses where builds run: Temporal (`temporalBuilds`) unless the context carries
 * another backend (tests use the in-process simulation). Starting, progress, logs and steering all go
 * through here; this module depends on them, never the other way round.
 */
export type { BuildBackend } from './build-types';

export const temporalBuilds: BuildBackend = {
  start: async (ctx, o) => (await import('./builds')).startBuild(ctx, o),
  progress: async (ctx, id) => (await import('./builds')).getProgress(ctx, id),
  list: async (ctx, f) => (await import('./builds')).listBuilds(ctx, f),
  signal: async (ctx, id, a, r) => (await import('./builds')).signalBuild(ctx, id, a, r),
  raiseBudget: async (ctx, id, usd) => (await import('./builds')).raiseBudget(ctx, id, usd),
  lookup: async (ctx, id) => (await import('./builds')).lookupBuild(ctx, id),
  logs: async (ctx, id, o) => (await import('./builds')).buildLogs(ctx, id, o),
};

export function buildBackend(ctx: ServiceContext): BuildBackend {
  return withHints(ctx.builds ?? temporalBuilds);
}

/**
 * Every failure a front end receives carries what to do next, from the one table in
 * lib/failure-hints.ts, whichever backend the build ran on.
 */
function withHints(backend: BuildBackend): BuildBackend {
  return {
    ...backend,
    progress: async (ctx, id) => withProgressHints(await backend.progress(ctx, id)),
    logs: async (ctx, id, options) =>
      (await backend.logs(ctx, id, options)).map((line) => {
        const hint = hintFor(line.failureClass);
        return hint ? { ...line, hint } : line;
      }),
  };
}

export function withProgressHints<P extends ProgressSnapshot>(p: P): P {
  return {
    ...p,
    tasks: p.tasks.map((t) => {
      const hint = hintFor(t.failureClass);
      return hint ? { ...t, hint } : t;
    }),
    ...(p.failure ? { failure: explainFailure(p.failure.code, p.failure.message) } : {}),
  };
}

/** What `br build start --json` prints and what every front end returns for a started build. */
export interface StartSummary {
  buildId: string;
  /** started: a new build; attached: the same build was running; ended: it had ended, nothing started. */
  state: 'started' | 'attached' | 'ended';
  attached: boolean;
  /** An ended build's outcome (SUCCEEDED, FAILED, …), and what to do about it. */
  outcome?: string;
  next?: string;
  webUiUrl: string | null;
  buildBranch: string;
  /** A remote build's repository: the build branch is pushed there (absent: this checkout). */
  repoUrl?: string;
  budgetUsd: string;
  parallel: number;
  /** What the start-time checks warn about (no worker polling the queue, …). */
  warnings: ExplainedFailure[];
  /**
   * The plan the build runs (the same hash `br plan` prints) and where it came from; `in-build`: the
   * build plans with Claude itself, and its plan shows in the build's status once made.
   */
  planHash?: string;
  planner?: PlannerChoice;
  planSource?: 'file' | 'planned' | 'in-build';
  tasks?: number;
  planningCostUsd?: string;
}

export function startSummary(started: StartedBuild, planned?: PlannedBuild): StartSummary {
  const now: BuildNow | 'started' = started.ended ?? (started.attached ? 'running' : 'started');
  return {
    buildId: started.buildId,
    ...summaryState(started.buildId, started.input.buildBranch, now),
    webUiUrl: started.webUiUrl,
    buildBranch: started.input.buildBranch,
    ...(started.input.repoUrl ? { repoUrl: started.input.repoUrl } : {}),
    budgetUsd: started.input.budgetUsd,
    parallel: started.input.parallel,
    warnings: started.warnings ?? [],
    ...(planned
      ? {
          planHash: planned.planHash,
          planner: planned.planner,
          planSource: planned.source,
          tasks: planned.plan.tasks.length,
          planningCostUsd: planned.spentUsd,
        }
      : { planner: started.input.planner, planSource: 'in-build' as const }),
  };
}

export function summaryState(
  id: string,
  buildBranch: string,
  now: BuildNow | 'started',
): Pick<StartSummary, 'state' | 'attached' | 'outcome' | 'next'> {
  if (now === 'started') return { state: 'started', attached: false };
  if (now === 'running') return { state: 'attached', attached: true };
  return {
    state: 'ended',
    attached: false,
    outcome: now.outcome,
    next: nextAfterEnded(id, now.outcome, buildBranch),
  };
}

/** What to do about a build that already ended, said wherever a start answers with it. */
export function nextAfterEnded(id: string, outcome: string, buildBranch: string): string {
  const again =
    'To build it again from scratch (every task runs and is paid for again), pass --rebuild (MCP: rebuild: true).';
  if (outcome === 'SUCCEEDED') return `Already built on ${buildBranch}: nothing was started. ${again}`;
  return (
    `Build ${id} already ended ${outcome}: nothing was started. See why with \`br build status ${id}\`. ` +
    `To carry it on, keeping its merged tasks and paying only for the rest: \`br build continue ${id}\` ` +
    `(MCP: br_build_control action "continue"). ${again}`
  );
}
