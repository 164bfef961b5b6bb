import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { BuildPort } from '../../../workflows/core/port';
import { planPhase } from '../../../workflows/core/plan-phase';
import { simulationInput } from '../../../workflows/simulation/fakes';
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
