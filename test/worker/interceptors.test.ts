import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { FailureClass } from '../../lib/failures';
import { BEATING, KEPT_ALIVE } from '../../worker/activities';
import { keepAliveInterceptor, withBeats } from '../../worker/interceptors';

/** An activity of type `activityType` that runs until cancelled, under the worker's interceptor. */
function runUntilCancelled(activityType: string) {
  const env = new MockActivityEnvironment(
    { activityType },
    { interceptors: [keepAliveInterceptor(KEPT_ALIVE, BEATING)] },
  );
  const running = env.run(() => Context.current().cancelled);
  return { env, running: running.catch((e: unknown) => e) };
}

describe("the worker's keep-alive interceptor", () => {
  it('hands an agent run cut off by a draining worker back as a lost worker (NETWORK)', async () => {
    const { env, running } = runUntilCancelled('runAgent');
    env.cancel('WORKER_SHUTDOWN');
    const err = await running;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(FailureClass.NETWORK);
  });

  it('leaves a record write as it is: its cancel stays a cancel', async () => {
    const { env, running } = runUntilCancelled('recordTask');
    env.cancel('WORKER_SHUTDOWN');
    expect(await running).toBeInstanceOf(CancelledFailure);
  });

  it('keeps the Claude and repository steps alive; the records only heartbeat', () => {
    for (const name of ['runAgent', 'planBuild', 'commitTask', 'mergeTask', 'markFeaturesDelivered'])
      expect(KEPT_ALIVE.has(name)).toBe(true);
    for (const name of ['recordBuild', 'recordTask', 'recordAttempt', 'emitEvents']) {
      expect(KEPT_ALIVE.has(name)).toBe(false);
      expect(BEATING.has(name)).toBe(true);
    }
  });

  it('a record step beats while it runs and stops when it ends', async () => {
    const env = new MockActivityEnvironment({ activityType: 'recordTask' });
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await env.run(() => withBeats(() => new Promise((r) => setTimeout(r, 130)), 50));
    expect(beats).toBeGreaterThanOrEqual(1);
    const after = beats;
    await new Promise((r) => setTimeout(r, 150));
    expect(beats).toBe(after);
  });
});
