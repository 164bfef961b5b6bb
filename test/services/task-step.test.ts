import { pendingSaysAll, pendingTaskNow, runningTaskNow, type RecentEvent } from '../../services/task-step';
import type { TaskProgress } from '../../workflows/core/progress';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);

/** A try's history, newest first, as the task workflow writes it. */
const firstTry: RecentEvent[] = [
  { type: 'activity-scheduled', activity: 'runAgent', input: { model: 'claude-haiku-5-5', attempt: 1 } },
  { type: 'other' },
  { type: 'activity-scheduled', activity: 'prepareWorktree', input: {} },
  { type: 'signal-sent', signal: 'requestReservation', input: { taskId: 't01', attempt: 1, usd: '0.5' } },
  {
    type: 'activity-scheduled',
    activity: 'emitEvents',
    input: [{ type: 'MODEL_SELECTED', model: 'claude-haiku-5-5' }],
  },
  { type: 'started' },
];

describe('what a running task is doing', () => {
  it('reads the agent turn, the last tool, model and attempt from the heartbeat', () => {
    const now = runningTaskNow(
      {
        activity: 'runAgent',
        attempt: 1,
        heartbeat: { model: 'claude-haiku-5-5', attempt: 1, turn: 3, maxTurns: 40, lastTool: 'edit_file' },
      },
      firstTry,
      T0,
    );
    expect(now).toEqual({
      model: 'claude-haiku-5-5',
      attempt: 1,
      startedAt: T0,
      step: { kind: 'agent', turn: 3, maxTurns: 40, tool: 'edit_file' },
    });
  });

  it('needs no history while the agent heartbeats its try: the same answer, field for field and in order', () => {
    const agent = {
      activity: 'runAgent',
      attempt: 1,
      heartbeat: { model: 'claude-sonnet-5-5', attempt: 2, turn: 5, maxTurns: 40 },
    };
    expect(pendingSaysAll(agent)).toBe(true);
    expect(JSON.stringify(runningTaskNow(agent, [], T0))).toBe(
      JSON.stringify(runningTaskNow(agent, firstTry, T0)),
    );
    // Without a heartbeat, or in another step, the history names the try.
    expect(pendingSaysAll({ activity: 'runAgent', attempt: 1 })).toBe(false);
    expect(pendingSaysAll({ activity: 'runAgent', attempt: 1, heartbeat: { model: 'm' } })).toBe(false);
    expect(pendingSaysAll({ activity: 'commitTask', attempt: 1, heartbeat: agent.heartbeat })).toBe(false);
    expect(pendingSaysAll(undefined)).toBe(false);
  });

  it('names the model and attempt while committing, from the try’s agent call', () => {
    const now = runningTaskNow({ activity: 'commitTask', attempt: 1 }, [
      { type: 'activity-scheduled', activity: 'commitTask' },
      ...firstTry,
    ]);
    expect(now).toMatchObject({ model: 'claude-haiku-5-5', attempt: 1, step: { kind: 'committing' } });
  });

  it('says a step is being retried by Temporal, with the next time and the error', () => {
    const now = runningTaskNow(
      {
        activity: 'recordAttempt',
        attempt: 4,
        nextAttemptAt: T0 + 8000,
        lastFailure: "P1001 Can't reach database\nstack",
      },
      firstTry,
    );
    expect(now.retry).toEqual({ attempt: 4, nextAt: T0 + 8000, error: "P1001 Can't reach database" });
    expect(now.step).toEqual({ kind: 'database-wait', during: 'recording' });
  });

  it('keeps a record step retried for another reason a record step', () => {
    const now = runningTaskNow(
      { activity: 'emitEvents', attempt: 2, lastFailure: 'Unique constraint failed on the fields: (`key`)' },
      firstTry,
    );
    expect(now.step).toEqual({ kind: 'recording' });
  });

  it('says the agent waits for the database, since when and with how many cost rows, from the heartbeat', () => {
    const now = runningTaskNow(
      {
        activity: 'runAgent',
        attempt: 1,
        heartbeat: {
          model: 'claude-haiku-5-5',
          attempt: 1,
          turn: 2,
          maxTurns: 40,
          databaseWaitingSince: new Date(T0 - 5000).toISOString(),
          unwrittenRows: 3,
        },
      },
      firstTry,
    );
    expect(now).toMatchObject({
      model: 'claude-haiku-5-5',
      attempt: 1,
      step: { kind: 'database-wait', during: 'agent', since: T0 - 5000, unwrittenRows: 3 },
    });
  });

  it('waits for the API with the next probe after a rate limit, on the model the fallback chose', () => {
    const events: RecentEvent[] = [
      { type: 'other' },
      { type: 'timer-started', until: T0 + 30_000 },
      {
        type: 'activity-scheduled',
        activity: 'emitEvents',
        input: [{ type: 'FALLBACK_APPLIED' }, { type: 'MODEL_SELECTED', model: 'claude-sonnet-5-5' }],
      },
      { type: 'activity-scheduled', activity: 'recordAttempt' },
      { type: 'activity-failed', failureType: 'RATE_LIMITED' },
      ...firstTry,
    ];
    expect(runningTaskNow(undefined, events)).toMatchObject({
      model: 'claude-sonnet-5-5',
      attempt: 1,
      step: { kind: 'api-wait', failureClass: 'RATE_LIMITED', until: T0 + 30_000 },
    });
  });

  it('waits to retry after a failure of its own work, not for the API', () => {
    const events: RecentEvent[] = [
      { type: 'timer-started', until: T0 + 5000 },
      { type: 'activity-failed', failureType: 'HOOK_REJECTED' },
      ...firstTry,
    ];
    expect(runningTaskNow(undefined, events).step).toEqual({
      kind: 'retry-wait',
      failureClass: 'HOOK_REJECTED',
      until: T0 + 5000,
    });
  });

  it('waits for a budget reservation once it has asked for the next try', () => {
    const events: RecentEvent[] = [
      { type: 'other' },
      { type: 'signal-sent', signal: 'requestReservation', input: { attempt: 2 } },
      { type: 'timer-fired' },
      { type: 'timer-started', until: T0 },
      ...firstTry,
    ];
    expect(runningTaskNow(undefined, events)).toMatchObject({ attempt: 2, step: { kind: 'reserving' } });
  });
});

describe('what a pending task waits for', () => {
  const t = (id: string, state: TaskProgress['state'], dependsOn: string[] = []): TaskProgress => ({
    id,
    title: id,
    state,
    attempts: 0,
    costUsd: '0',
    dependsOn,
  });
  const tasks = [
    t('a', 'SUCCEEDED'),
    t('b', 'RUNNING'),
    t('c', 'PENDING', ['a', 'b']),
    t('d', 'PENDING', ['a']),
  ];
  const byId = new Map(tasks.map((x) => [x.id, x]));

  it('names the dependencies still open', () => {
    expect(pendingTaskNow(tasks[2]!, byId, { paused: false, breakerOpen: false }).step).toEqual({
      kind: 'waiting-on',
      tasks: ['b'],
    });
  });

  it('says why a ready task has not started: a slot, a pause or the budget', () => {
    expect(pendingTaskNow(tasks[3]!, byId, { paused: false, breakerOpen: false }).step).toEqual({
      kind: 'queued',
      why: 'slot',
    });
    expect(pendingTaskNow(tasks[3]!, byId, { paused: true, breakerOpen: false }).step).toMatchObject({
      why: 'paused',
    });
    expect(pendingTaskNow(tasks[3]!, byId, { paused: false, breakerOpen: true }).step).toMatchObject({
      why: 'budget',
    });
  });
});
