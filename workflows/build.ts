import { CancellationScope, upsertMemo } from '@temporalio/workflow';
import { runBuild } from './core/build-body';
import type { BuildResult, BuildWorkflowInput } from './core/types';
import { MEMO } from './messages';
import { createBuildPort, showFinalDetails } from './temporal-port';

/**
 * One build: plan → estimate → schedule tasks as child workflows → summary. The decision logic lives in
 * workflows/core/build-body.ts; this shell wires it to Temporal. The body runs in a non-cancellable scope
 * because a Temporal cancel is turned into the body's own cancel (the same as the cancel signal), which
 * cancels the tasks, waits for their cleanup and records the CANCELLED outcome.
 */
export async function buildWorkflow(input: BuildWorkflowInput): Promise<BuildResult> {
  const port = createBuildPort(CancellationScope.current().cancelRequested);
  const result = await CancellationScope.nonCancellable(() => runBuild(port, input));
  // The outcome in the memo lets `br build list` show it without fetching every result.
  upsertMemo({ [MEMO.outcome]: result.outcome });
  showFinalDetails(result);
  return result;
}
