/**
 * Replays the committed histories (test/fixtures/temporal/histories/*.json, recorded from earlier
 * workflow code) against today's workflow bundle. A failure means a build or task started before the
 * edit would hit a non-determinism error on its next workflow task, on any worker running the new code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import {
  FIXTURE_DIR,
  RECORD_COMMAND,
  type HistoryFixture,
} from '../fixtures/temporal/history/record-fixtures';
import { RECORDED_SCENARIOS } from '../fixtures/temporal/history/scenarios';
import { SERVER_FIXTURE_DIR, SERVER_RECORD_COMMAND } from '../fixtures/temporal/history/server-fixtures';
import { bundleWorkflows, type WorkflowBundle } from '../../worker/run';

const fixtureNames = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

const loadFixture = (name: string) =>
  JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as HistoryFixture;

const GUARD_ADVICE =
  'a change to workflows/ would break builds already running; use patched() (see Temporal versioning) ' +
  `or, if no build can be in flight, re-record with ${RECORD_COMMAND}`;

/** Replays one fixture; a determinism failure is rethrown with what to do about it. */
async function replayFixture(workflowBundle: WorkflowBundle, name: string): Promise<void> {
  const fixture = loadFixture(name);
  try {
    await Worker.runReplayHistory({ workflowBundle }, { events: fixture.events }, fixture.workflowId);
  } catch (err) {
    const cause = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new Error(`Replaying the recorded history ${name}.json failed (${cause}): ${GUARD_ADVICE}`, {
      cause: err,
    });
  }
}

const bundleOf = async (workflowsPath: string) =>
  bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });

let current: WorkflowBundle;
let drifted: { code: string };

beforeAll(async () => {
  // Core logs a WARN for every workflow task the drifted bundle fails; the assertions say what matters.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: 'ERROR', forward: {} } },
  });
  // The same entry point the worker bundles (worker/run.ts): no test interceptors.
  current = await bundleWorkflows(); // the run's production bundle (test/setup/workflow-bundles.ts)
  drifted = await bundleOf(path.join(__dirname, '../fixtures/temporal/drifted-workflows.ts'));
}, 240_000);

describe('the recorded workflow histories', () => {
  it('include one closed history for every scenario the recorder knows', () => {
    expect(fixtureNames).toEqual(Object.keys(RECORDED_SCENARIOS).sort());
    for (const name of fixtureNames) {
      const fixture = loadFixture(name);
      expect(fixture.workflowId).toBe(RECORDED_SCENARIOS[name]!.workflowId);
      expect(fixture.events[0]!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
      expect(String(fixture.events.at(-1)!.eventType)).toMatch(
        /^EVENT_TYPE_WORKFLOW_EXECUTION_(COMPLETED|FAILED|CANCELED)$/,
      );
    }
  });

  it.each(fixtureNames)(
    '%s replays against the current workflow code without a determinism error',
    async (name) => {
      await replayFixture(current, name);
    },
    60_000,
  );
});

const serverFixtures = existsSync(SERVER_FIXTURE_DIR)
  ? readdirSync(SERVER_FIXTURE_DIR).filter((f) => f.endsWith('.json'))
  : [];

describe('the histories recorded on the real Temporal server', () => {
  it('include the five scenarios, a killed-worker build and its killed task, and a build killed mid-merge', () => {
    expect(serverFixtures.sort()).toEqual(
      [
        ...Object.keys(RECORDED_SCENARIOS).map((name) => `${name}.json`),
        'killed-merge-build.json',
        'killed-worker-build.json',
        'killed-worker-task.json',
      ].sort(),
    );
  });

  it.each(serverFixtures)(
    '%s replays against the current workflow code without a determinism error',
    async (file) => {
      const fixture = JSON.parse(readFileSync(path.join(SERVER_FIXTURE_DIR, file), 'utf8')) as HistoryFixture;
      try {
        await Worker.runReplayHistory(
          { workflowBundle: current },
          { events: fixture.events },
          fixture.workflowId,
        );
      } catch (err) {
        throw new Error(
          `Replaying the server-recorded history ${file} failed (${String(err)}): a change to workflows/ would break ` +
            `builds already running; use patched(), or if no build can be in flight, re-record with ${SERVER_RECORD_COMMAND}`,
        );
      }
    },
    60_000,
  );
});

describe('the replay guard on the server-recorded histories', () => {
  it.each(Object.keys(RECORDED_SCENARIOS))(
    'rejects the server-recorded %s replayed against drifted workflow code',
    async (name) => {
      const fixture = JSON.parse(
        readFileSync(path.join(SERVER_FIXTURE_DIR, `${name}.json`), 'utf8'),
      ) as HistoryFixture;
      await expect(
        Worker.runReplayHistory({ workflowBundle: drifted }, { events: fixture.events }, fixture.workflowId),
      ).rejects.toMatchObject({ name: expect.stringMatching(/DeterminismViolationError|ReplayError/) });
    },
    60_000,
  );
});

describe('the replay guard', () => {
  // Core flags the inserted timer itself; it does not compare activity types, so the inserted activity
  // shows up as the build's first activity receiving estimateComplexity's result and the task failing.
  it.each([
    [
      'task-fallback-after-overloaded',
      'a task that now sleeps before it starts',
      'DeterminismViolationError',
    ],
    ['task-cancel-mid-agent', 'a task that now sleeps before it starts', 'DeterminismViolationError'],
    ['build-three-tasks-fallback-child', 'a build that now schedules an audit activity first', 'ReplayError'],
    ['build-cancel', 'a build that now schedules an audit activity first', 'ReplayError'],
  ])(
    'rejects %s replayed against %s, saying to use patched() or re-record',
    async (name, _drift, errorName) => {
      const failure = await replayFixture(drifted, name).then(
        () => undefined,
        (err: unknown) => err as Error & { cause?: Error },
      );
      expect(failure).toBeDefined();
      expect(failure!.cause?.name).toBe(errorName);
      expect(failure!.message).toContain(
        'a change to workflows/ would break builds already running; use patched() (see Temporal versioning)',
      );
      expect(failure!.message).toContain(`re-record with ${RECORD_COMMAND}`);
    },
    60_000,
  );
});
