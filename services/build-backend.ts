import { explainFailure, hintFor, type ExplainedFailure } from '../lib/failure-hints';
import type { BuildBackend, ProgressSnapshot, StartedBuild } from './build-types';
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
  attached: boolean;
  webUiUrl: string | null;
  buildBranch: string;
  /** A remote build's repository: the build branch is pushed there (absent: this checkout). */
  repoUrl?: string;
  budgetUsd: string;
  parallel: number;
  /** What the start-time checks warn about (no worker polling the queue, …). */
  warnings: ExplainedFailure[];
  /** The plan the build runs (the same hash `br plan` prints) and where it came from. */
  planHash?: string;
  planner?: PlannerChoice;
  planSource?: 'file' | 'planned';
  tasks?: number;
  planningCostUsd?: string;
}

export function startSummary(started: StartedBuild, planned?: PlannedBuild): StartSummary {
  return {
    buildId: started.buildId,
    attached: started.attached,
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
      : {}),
  };
}
