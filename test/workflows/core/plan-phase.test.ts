import { diffEvents } from '../../../cli/render/events';
import { renderFrame } from '../../../cli/render/progress';
import { FAILURE_CATALOG } from '../../../lib/failure-hints';
import type { BuildHandlers } from '../../../workflows/core/port';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { SimFailure, simulateBuild, type SimActivities } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

/**
 * A step of the plan phase that fails (the build branch, the estimate) ends the build FAILED with the
 * failure's class, message and hint recorded, instead of failing the workflow without a record.
 */
async function buildWhere(override: Partial<SimActivities>) {
  const p = plan([task('a'), task('b', ['a'])]);
  const { activities, store } = createFakeActivities({
    plan: p,
    agent: () => ({ durationMs: 1000, costUsd: '0.01' }),
  });
  let handlers: BuildHandlers | undefined;
  const run = await simulateBuild({
    input: simulationInput(p, { baseBranch: 'release' }),
    activities: { ...activities, ...override },
    controls: [{ afterMs: 0, apply: (h) => void (handlers = h) }],
  });
  return { run, store, progress: handlers!.progress() };
}

const fail = (type: string, message: string) => ({
  durationMs: 100,
  complete: () => {
    throw new SimFailure(type, message);
  },
});

describe('a failure in the plan phase', () => {
  it('ends the build FAILED with a BUILD_FAILED event naming the missing base branch, and runs nothing', async () => {
    let calls = 0;
    const { run, store, progress } = await buildWhere({
      ensureBuildBranch: () => {
        calls += 1;
        return fail('BASE_BRANCH_MISSING', 'Base branch "release" does not exist in /sim/repo.');
      },
    });
    const failure = {
      code: 'BASE_BRANCH_MISSING',
      message:
        'Creating the build branch failed (BASE_BRANCH_MISSING): Base branch "release" does not exist in /sim/repo.',
      hint: FAILURE_CATALOG.BASE_BRANCH_MISSING.hint,
    };
    expect(calls).toBe(1);
    expect(run.result.outcome).toBe('FAILED');
    expect(run.result.summary).toMatchObject({ failure, problems: [failure.message] });
    expect(run.result.summary.message).toBe(`Build failed. ${failure.message}`);
    expect(store.agentCalls).toHaveLength(0);
    const events = [...store.events.values()].filter((e) => e.type === 'BUILD_FAILED');
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ outcome: 'FAILED', failureClass: 'BASE_BRANCH_MISSING', hint: failure.hint }),
    ]);
    expect(store.builds.at(-1)).toMatchObject({ status: 'FAILED', summary: { failure } });

    expect(progress.failure).toEqual(failure);
    const frame = renderFrame(progress, { color: false });
    expect(frame).toContain(`BASE_BRANCH_MISSING: ${failure.message}`);
    expect(frame).toContain(`hint: ${failure.hint}`);
    expect(diffEvents(null, progress).join('\n')).toContain(`hint: ${failure.hint}`);
  });

  it('ends the build FAILED when estimating fails, with that class and its hint', async () => {
    const { run } = await buildWhere({
      estimateComplexity: () => fail('AUTH', 'ANTHROPIC_API_KEY is not set for this worker.'),
    });
    expect(run.result.outcome).toBe('FAILED');
    expect(run.result.summary.failure).toEqual({
      code: 'AUTH',
      message: 'Estimating failed (AUTH): ANTHROPIC_API_KEY is not set for this worker.',
      hint: FAILURE_CATALOG.AUTH.hint,
    });
  });
});

describe('a failure after the build finished', () => {
  it('reports a hook that refuses the features.json commit, and keeps the outcome', async () => {
    const { run, store } = await buildWhere({
      markFeaturesDelivered: () => fail('HOOK_REJECTED', 'A git hook rejected the features.json update'),
    });
    expect(run.result.outcome).toBe('SUCCEEDED');
    const reported = [...store.events.values()].filter((e) => e.type === 'HOOK_REJECTED' && !e.taskId);
    expect(reported.map((e) => e.data)).toEqual([
      {
        featureIds: ['f-a', 'f-b'],
        failureClass: 'HOOK_REJECTED',
        message:
          'Marking features delivered failed (HOOK_REJECTED): A git hook rejected the features.json update',
        hint: FAILURE_CATALOG.HOOK_REJECTED.hint,
      },
    ]);
  });
});
