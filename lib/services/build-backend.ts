import type { ProgressSnapshot } from '../../workflows/core/progress';
import type { SteeringState } from '../../workflows/messages';
import type { BuildAction, BuildListEntry, BuildLogLine, StartBuildOptions, StartedBuild } from './builds';
import type { ServiceContext } from './context';

/**
 * What `br build …` needs from wherever builds run. Real builds always run on Temporal
 * (`temporalBuilds`); tests swap in the in-process simulation so the commands can be exercised
 * end to end without a server.
 */
export interface BuildBackend {
  start(ctx: ServiceContext, options: StartBuildOptions): Promise<StartedBuild>;
  progress(ctx: ServiceContext, id: string): Promise<ProgressSnapshot & { webUiUrl: string }>;
  list(
    ctx: ServiceContext,
    filter: { status?: string; project?: string; limit?: number },
  ): Promise<BuildListEntry[]>;
  signal(
    ctx: ServiceContext,
    id: string,
    action: BuildAction,
    reason?: string,
  ): Promise<{ workflowId: string; action: BuildAction; webUiUrl: string; state?: SteeringState }>;
  raiseBudget(
    ctx: ServiceContext,
    id: string,
    usd: string,
  ): Promise<{ workflowId: string; raisedUsd: string; webUiUrl: string; state?: SteeringState }>;
  logs(ctx: ServiceContext, id: string, options: { task?: string }): Promise<BuildLogLine[]>;
}

export const temporalBuilds: BuildBackend = {
  start: async (ctx, o) => (await import('./builds')).startBuild(ctx, o),
  progress: async (ctx, id) => (await import('./builds')).getProgress(ctx, id),
  list: async (ctx, f) => (await import('./builds')).listBuilds(ctx, f),
  signal: async (ctx, id, a, r) => (await import('./builds')).signalBuild(ctx, id, a, r),
  raiseBudget: async (ctx, id, usd) => (await import('./builds')).raiseBudget(ctx, id, usd),
  logs: async (ctx, id, o) => (await import('./builds')).buildLogs(ctx, id, o),
};

export function buildBackend(ctx: ServiceContext): BuildBackend {
  return ctx.builds ?? temporalBuilds;
}
