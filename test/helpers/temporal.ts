/**
 * Server tests: the address of the run's Temporal dev server (test/setup/temporal-global.ts) and a
 * `describeServer` that skips with the reason locally when there is none, and FAILS in CI (CI=true):
 * there a server test must never be skipped. Titles carry SERVER_MARK so the CI reporter
 * (test/setup/server-skips-reporter.js) can fail the run if one was skipped anyway.
 */
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '../../worker/run';

export const SERVER_MARK = '[temporal server]';

export function temporalAddress(): string | null {
  return process.env.BR_TEST_TEMPORAL_ADDRESS || null;
}

function skipReason(): string {
  return process.env.BR_TEST_TEMPORAL_SKIP ?? 'no Temporal server for this test run';
}

/** A unit-project file (test/setup/unit-guard.ts) that reaches for the server is misfiled: say so. */
function refuseInUnitProject(what: string): void {
  if (process.env.BR_TEST_PROJECT === 'unit')
    throw new Error(
      `${what} in the unit project: this file belongs to the server project (test/setup/projects.js)`,
    );
}

export function describeServer(name: string, fn: () => void, options: { available?: boolean } = {}): void {
  refuseInUnitProject(`describeServer('${name}')`);
  const title = `${name} ${SERVER_MARK}`;
  if (options.available ?? temporalAddress()) return describe(title, fn);
  if (process.env.CI === 'true' || process.env.CI === '1') {
    return describe(title, () => {
      it('has a Temporal server (CI never skips server tests)', () => {
        throw new Error(`CI=true but ${skipReason()}`);
      });
    });
  }
  console.warn(`skipped: ${name}: ${skipReason()}`);
  describe.skip(`${title} (skipped: ${skipReason()})`, fn);
}

/** The run's server address; only call inside describeServer. */
export function serverAddress(): string {
  const address = temporalAddress();
  if (!address) throw new Error('no Temporal server: call this inside describeServer');
  return address;
}

export async function connectClient(
  namespace = 'default',
): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: serverAddress() });
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}

/** A task queue name no other test file uses: every file shares the one server. */
export function uniqueQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

let bundle: Promise<WorkflowBundle> | undefined;

/**
 * The production workflow bundle (worker/run.ts): the run's, built once in globalSetup
 * (test/setup/workflow-bundles.ts, BR_WORKFLOW_BUNDLE); worker logs at WARN and up.
 */
export function serverBundle(): Promise<WorkflowBundle> {
  refuseInUnitProject('the workflow bundle');
  bundle ??= (async () => {
    const { DefaultLogger, Runtime } = await import('@temporalio/worker');
    try {
      Runtime.install({
        logger: new DefaultLogger('WARN'),
        telemetryOptions: { logging: { filter: 'WARN', forward: {} } },
      });
    } catch {
      // already installed by this file (e.g. replay-setup.ts)
    }
    const { bundleWorkflows } = await import('../../worker/run');
    return bundleWorkflows();
  })();
  return bundle;
}

/**
 * The time-skipping test server (BR_TEMPORAL_TEST_SERVER, .tools, PATH) for one test file, or null when
 * the binary is missing. It starts in well under a second, inside the SDK's start-up wait.
 */
export async function startTimeSkipping(): Promise<
  import('@temporalio/testing').TestWorkflowEnvironment | null
> {
  refuseInUnitProject('the time-skipping test server');
  const { locateTemporalBinary } = await import('../../services/temporal-binaries');
  const binary = locateTemporalBinary('test-server');
  if (!binary) return null;
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binary.path } },
  });
}
