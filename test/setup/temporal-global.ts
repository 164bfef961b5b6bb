/**
 * Jest globalSetup/globalTeardown: ONE Temporal dev server for the whole test run, on free ports,
 * started here (not by the SDK, whose ~5 s start-up wait is too short on a loaded 2-core machine).
 * Its address reaches the test files as BR_TEST_TEMPORAL_ADDRESS (test/helpers/temporal.ts reads it).
 * BR_TEST_TEMPORAL_ADDRESS set beforehand means "use that server"; BR_TEST_TEMPORAL=off starts none.
 * The workflow bundles are built meanwhile (test/setup/workflow-bundles.ts), with or without a server:
 * the replay tests need them too.
 */
import { freePort } from '../../services/free-port';
import { INSTALL_HINT, locateTemporalBinary } from '../../services/temporal-binaries';
import { startDevServer, type DevServer } from '../../services/temporal-dev-server';
import { TEST_NAMESPACES } from '../helpers/temporal-namespaces';
import { buildWorkflowBundles, removeWorkflowBundles } from './workflow-bundles';

const holder = globalThis as { __brTemporalServer?: DevServer };

export async function setup(): Promise<void> {
  await Promise.all([buildWorkflowBundles(), startServer()]);
}

async function startServer(): Promise<void> {
  if (process.env.BR_TEST_TEMPORAL_ADDRESS || process.env.BR_TEST_TEMPORAL === 'off') return;
  const cli = locateTemporalBinary('cli');
  if (!cli) {
    process.env.BR_TEST_TEMPORAL_SKIP = `no \`temporal\` CLI found: ${INSTALL_HINT}`;
    return;
  }
  // With the Web UI: test/lib/temporal/web-ui.test.ts opens it in Chromium.
  const server = await startDevServer({
    binary: cli.path,
    uiPort: await freePort(),
    readyTimeoutMs: 120_000,
    extraNamespaces: Object.values(TEST_NAMESPACES),
  });
  holder.__brTemporalServer = server;
  process.env.BR_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.BR_TEST_TEMPORAL_CLI = cli.path;
  if (server.uiUrl) process.env.BR_TEST_TEMPORAL_UI = server.uiUrl;
  process.env.BR_TEST_TEMPORAL_HTTP = server.httpAddress;
}

export async function teardown(): Promise<void> {
  await holder.__brTemporalServer?.stop();
  removeWorkflowBundles();
}
