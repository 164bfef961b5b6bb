import { ApplicationFailure } from '@temporalio/common';
import type { FailureDetails } from '../../lib/failures';

/** The typed ApplicationFailure a promise rejects with; any other outcome fails the test. */
export async function failureOf(
  promise: Promise<unknown>,
): Promise<ApplicationFailure & { details: [FailureDetails] }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err as ApplicationFailure & { details: [FailureDetails] };
    throw err;
  }
  throw new Error('expected the call to fail with an ApplicationFailure');
}
