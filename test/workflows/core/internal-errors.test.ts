import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState } from '@temporalio/common';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { BuildPort } from '../../../workflows/core/port';
import { planPhase } from '../../../workflows/core/plan-phase';
import { FailedStep, stepFailure, unlabel } from '../../../workflows/core/step';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { describeError } from '../../../workflows/temporal-port';
import { plan, task } from '../../fixtures/simulation';

describe('which errors end a build FAILED and which belong to the host', () => {
  it('on Temporal, a failed activity is a failed step and an error of the workflow code is internal', () => {
    const cause = ApplicationFailure.create({ type: 'BASE_BRANCH_MISSING', message: 'gone' });
    const activity = new ActivityFailure(
      'failed',
      'ensureBuildBranch',
      '5',
      RetryState.NON_RETRYABLE_FAILURE,
      'id',
      cause,
    );
    expect(describeError(activity)).toMatchObject({ type: 'BASE_BRANCH_MISSING', message: 'gone' });
    expect(describeError(activity).internal).toBeUndefined();
    expect(describeError(new DeterminismViolationError('mismatch'))).toMatchObject({ internal: true });
    expect(describeError(new TypeError('bug'))).toMatchObject({ internal: true });
  });

  it('the plan phase lets an internal error through instead of ending the build with it', async () => {
    const bug = new TypeError('bug');
    const port = {
      activities: {
        estimateComplexity: () => Promise.reject(bug),
      },
      describeError: (err: unknown) => describeError(err),
    } as unknown as BuildPort;
    await expect(planPhase(port, simulationInput(plan([task('a')])), () => undefined)).rejects.toBe(bug);
  });
});

describe('one rule at every step of the build body', () => {
  const port = { describeError } as unknown as BuildPort;
  const failed = (type: string) =>
    new ActivityFailure(
      'failed',
      'recordTask',
      '7',
      RetryState.NON_RETRYABLE_FAILURE,
      'id',
      ApplicationFailure.create({ type, message: 'value too long' }),
    );

  it('names the step and class of a failed activity', () => {
    expect(stepFailure(port, 'Recording task results', failed('P2000'))).toEqual({
      code: 'P2000',
      message: 'Recording task results failed (P2000): value too long',
    });
  });

  it.each([
    ['a cancel', new CancelledFailure('cancelled')],
    ['an error of the workflow code', new TypeError('bug')],
  ])('rethrows %s as it is', (_name, err) => {
    expect(() => stepFailure(port, 'Marking features delivered', err)).toThrow(err);
  });

  it('unwraps a labelled failure to the step and the original error', () => {
    const err = failed('P2000');
    expect(unlabel(new FailedStep('Starting task a', err))).toEqual({ step: 'Starting task a', error: err });
    expect(unlabel(err)).toEqual({ step: '', error: err });
  });

  it('lets an internal error while marking features reach the host instead of reporting it as a hook rejection', async () => {
    const p = plan([task('a')]);
    const bug = new TypeError('bug');
    const { activities } = createFakeActivities({
      plan: p,
      agent: () => ({ durationMs: 1000, costUsd: '0.01' }),
    });
    const run = simulateBuild({
      input: simulationInput(p),
      activities: {
        ...activities,
        markFeaturesDelivered: () => ({
          durationMs: 10,
          complete: () => {
            throw bug;
          },
        }),
      },
    });
    await expect(run).rejects.toBe(bug);
  });
});
