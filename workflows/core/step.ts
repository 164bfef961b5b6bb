/**
 * How the build and plan bodies handle a failed step (an activity or child start that failed past its
 * retries). A cancel, or an error of the workflow code itself (a bug, a determinism violation), is the
 * host's to handle and is rethrown as it is; any other failure is the build's to report, named by the
 * step it broke.
 */
import { failedStep } from '../../lib/failure-hints';
import type { DescribedError, RuntimePort } from './port';

/** Why a step ended the build: the failure's class (when typed) and its message. */
export interface StepFailure {
  code?: string;
  message: string;
}

/**
 * A failure that names the step it happened in, so the late-failure handler says which step broke
 * without the body keeping a "current step". Unwrapped (`unlabel`) before anything leaves the body.
 */
export class FailedStep extends Error {
  constructor(
    readonly step: string,
    readonly error: unknown,
  ) {
    super(`${step} failed`);
  }
}

export function unlabel(err: unknown): { step: string; error: unknown } {
  return err instanceof FailedStep ? { step: err.step, error: err.error } : { step: '', error: err };
}

/** Describes `err`, or rethrows it when it is the host's (a cancel, or the workflow code's own error). */
export function domainError(port: Pick<RuntimePort, 'describeError'>, err: unknown): DescribedError {
  const d = port.describeError(err);
  if (d.cancelled || d.internal) throw err;
  return d;
}

/** The failure of step `step` as the build reports it; rethrows what is the host's (see domainError). */
export function stepFailure(
  port: Pick<RuntimePort, 'describeError'>,
  step: string,
  err: unknown,
): StepFailure {
  const d = domainError(port, err);
  return { ...(d.type ? { code: d.type } : {}), message: failedStep(step, d.type, d.message) };
}

/** Awaits steps started together; the first one's failure (in the given order) is thrown, none is left unhandled. */
export async function together(steps: Promise<unknown>[]): Promise<void> {
  for (const r of await Promise.allSettled(steps)) if (r.status === 'rejected') throw r.reason;
}
