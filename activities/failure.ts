import { ApplicationFailure } from '@temporalio/common';
import { redactKey } from '../lib/apikey';
import { isNonRetryable, type FailureClass, type FailureDetails } from '../lib/failures';

/**
 * The one way an activity fails with a domain failure: an ApplicationFailure whose `type` is the
 * class, whose message says what happened (the CLI adds the hint from lib/failure-hints.ts), and which
 * Temporal never retries when the class is the user's to fix (NON_RETRYABLE), whatever the profile.
 */
export function failure(
  type: FailureClass,
  message: string,
  details: FailureDetails = {},
  apiKey?: string,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message: redactKey(message, apiKey),
    nonRetryable: isNonRetryable(type),
    details: [details],
  });
}
