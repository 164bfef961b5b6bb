import { LATE_FAILURE_HINT } from '../../../workflows/core/build-end';
import type { BuildHandlers } from '../../../workflows/core/port';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { SimFailure, simulateBuild, type SimActivities } from '../../../workflows/simulation/runtime';
import { plan, task } from '../../fixtures/simulation';

/**
 * An activity that fails past its retries after planning (the database refuses one task's row, a task
 * workflow cannot start) ends the build FAILED with the step, class and message recorded, instead of
 * failing the workflow with no BUILD_FAILED record. Errors of the body itself still reach the host.
 */
async function buildWhere(
  override: (base: SimActivities) => Partial<SimActivities>,
  options: { unpatched?: string[] } = {},
) {
  const p = plan([task('a'), task('b', ['a']), task('c')]);
  const { activities, store } = createFakeActivities({
    plan: p,
    agent: (input) => ({ durationMs: input.taskId === 'c' ? 60_000 : 1000, costUsd: '0.01' }),
  });
  let handlers: BuildHandlers | undefined;
  const run = await simulateBuild({
    input: simulationInput(p),
    activities: { ...activities, ...override(activities) },
    controls: [{ afterMs: 0, apply: (h) => void (handlers = h) }],
    ...options,
  });
  return { run, store, progress: handlers!.progress() };
}

describe('a failure after planning', () => {
  it('ends the build FAILED with the step that failed, its record and a BUILD_FAILED event, and cancels running tasks', async () => {
    const { run, store, progress } = await buildWhere((base) => ({
      recordTask: (input) =>
        input.taskId === 'a' && input.status === 'SUCCEEDED'
          ? {
              durationMs: 10,
              complete: () => {
                throw new SimFailure('PrismaClientKnownRequestError', 'value too long for column "error"');
              },
            }
          : base.recordTask(input),
    }));
    const message =
      'Recording task results failed (PrismaClientKnownRequestError): value too long for column "error"';
    expect(run.result.outcome).toBe('FAILED');
    const failure = { code: 'PrismaClientKnownRequestError', message, hint: LATE_FAILURE_HINT };
    expect(run.result.summary.failure).toEqual(failure);
    expect(run.result.summary.problems).toEqual([message]);
    const failed = [...store.events.values()].filter((e) => e.type === 'BUILD_FAILED');
    expect(failed.map((e) => e.data)).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        failureClass: 'PrismaClientKnownRequestError',
        hint: LATE_FAILURE_HINT,
      }),
    ]);
    expect(store.builds.at(-1)).toMatchObject({ status: 'FAILED', summary: { failure: { message } } });
    expect(progress.failure).toEqual(failure);
    // c was still inside its agent (60 s) when a's record failed: cancelled and recorded, b never started.
    expect(store.tasks.get('c')).toMatchObject({ status: 'CANCELLED' });
    expect(store.tasks.get('b')).toMatchObject({ status: 'CANCELLED' });
    expect(store.agentCalls.map((c) => c.taskId)).not.toContain('b');
  });

  it('fails the workflow with the first error when even the final record cannot be written', async () => {
    const down = new SimFailure('DATABASE_UNREACHABLE', 'connection refused');
    let isDown = false;
    await expect(
      buildWhere((base) => ({
        emitEvents: (events) => {
          // The database goes down once tasks start, and stays down.
          if (events.some((e) => e.type === 'TASK_STARTED')) isDown = true;
          if (!isDown) return base.emitEvents(events);
          return {
            durationMs: 10,
            complete: () => {
              throw down;
            },
          };
        },
      })),
    ).rejects.toBe(down);
  });

  it('fails the workflow as before when replaying a build started before this path existed', async () => {
    const refused = new SimFailure('PrismaClientKnownRequestError', 'value too long');
    await expect(
      buildWhere(
        (base) => ({
          recordTask: (input) =>
            input.taskId === 'a' && input.status === 'SUCCEEDED'
              ? {
                  durationMs: 10,
                  complete: () => {
                    throw refused;
                  },
                }
              : base.recordTask(input),
        }),
        { unpatched: ['late-failure-ends-build'] },
      ),
    ).rejects.toBe(refused);
  });

  it('keeps a finished build finished when its final record fails: the workflow fails, never a FAILED outcome', async () => {
    const refused = new SimFailure('PrismaClientKnownRequestError', 'connection reset');
    await expect(
      buildWhere((base) => ({
        recordBuild: (input) =>
          input.status === 'SUCCEEDED'
            ? {
                durationMs: 10,
                complete: () => {
                  throw refused;
                },
              }
            : base.recordBuild(input),
      })),
    ).rejects.toBe(refused);
  });

  it('lets an error of the body itself through to the host instead of recording it as the outcome', async () => {
    const bug = new TypeError('bug in a record builder');
    await expect(
      buildWhere((base) => ({
        emitEvents: (events) => {
          if (events.some((e) => e.type === 'TASK_STARTED')) throw bug;
          return base.emitEvents(events);
        },
      })),
    ).rejects.toBe(bug);
  });
});
