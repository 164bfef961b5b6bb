import type { SummaryGaps } from '../activities/evidence';
import { buildBackend } from './build-backend';
import type { BuildStatus, ProgressSnapshot } from './build-types';
import type { ServiceContext } from './context';

/**
 * What `br build status --json` prints and the dashboard's build endpoint returns: the live progress
 * snapshot, plus the gap report a finished build recorded. One function, so the two cannot differ.
 */
export type BuildStatusReport = ProgressSnapshot & { webUiUrl: string; gaps?: SummaryGaps };

const FINISHED: readonly BuildStatus[] = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED'];

export function isFinished(status: BuildStatus): boolean {
  return FINISHED.includes(status);
}

export async function buildStatus(ctx: ServiceContext, id: string): Promise<BuildStatusReport> {
  const progress = await buildBackend(ctx).progress(ctx, id);
  const gaps = isFinished(progress.status) ? await (await import('./gaps')).recordedBuildGaps(ctx, id) : null;
  return gaps ? { ...progress, gaps } : progress;
}
