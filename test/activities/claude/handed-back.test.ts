import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withKeepAlive } from '../../../activities/claude/activity-context';
import { FailureClass } from '../../../lib/failures';

/** An activity that runs until it is cancelled, under the keep-alive every worker activity runs in. */
function runUntilCancelled(env: MockActivityEnvironment): Promise<unknown> {
  return env.run(() => withKeepAlive(() => Context.current().cancelled, 50));
}

describe('an activity cut off by a draining worker', () => {
  it('is handed back as a lost worker (NETWORK), so the workflow runs the step again elsewhere', async () => {
    const env = new MockActivityEnvironment();
    const running = runUntilCancelled(env);
    env.cancel('WORKER_SHUTDOWN');
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(FailureClass.NETWORK);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
  });

  it('stays a cancel when the workflow cancelled it', async () => {
    const env = new MockActivityEnvironment();
    const running = runUntilCancelled(env);
    env.cancel('CANCELLED');
    expect(await running.catch((e: unknown) => e)).toBeInstanceOf(CancelledFailure);
  });
});
