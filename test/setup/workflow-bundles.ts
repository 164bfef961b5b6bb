/**
 * The server project's workflow bundles, built once per run in globalSetup and written to files that
 * every worker of the run loads (`workflowBundle: { codePath }`), instead of one webpack build per test
 * file and per `br worker` process: the production bundle (BR_WORKFLOW_BUNDLE, which worker/run.ts
 * and the `br worker` processes the tests start honour; its manifest beside it, BR_WORKFLOW_BUNDLE_MANIFEST,
 * test/worker/bundle-sources.test.ts checks it) and the same code with the history recorder
 * (BR_TEST_REPLAY_BUNDLE, test/fixtures/temporal/replay-setup.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

let dir: string | undefined;

export async function buildWorkflowBundles(): Promise<void> {
  const { DefaultLogger } = await import('@temporalio/worker');
  const { buildWorkflowBundle } = await import('../../worker/bundle');
  dir = mkdtempSync(path.join(tmpdir(), 'br-test-bundles-'));
  mkdirSync(dir, { recursive: true });
  const logger = new DefaultLogger('WARN');
  const [production, replay] = await Promise.all([
    buildWorkflowBundle({ root: ROOT, logger }),
    buildWorkflowBundle({
      root: ROOT,
      interceptorModules: [path.join(ROOT, 'test/fixtures/temporal/history/recorder.ts')],
      logger,
    }),
  ]);
  const productionPath = path.join(dir, 'workflows.js');
  const manifestPath = path.join(dir, 'workflows.json');
  const replayPath = path.join(dir, 'workflows-with-recorder.js');
  writeFileSync(productionPath, production.code);
  writeFileSync(manifestPath, `${JSON.stringify(production.manifest, null, 2)}\n`);
  writeFileSync(replayPath, replay.code);
  process.env.BR_WORKFLOW_BUNDLE = productionPath;
  process.env.BR_WORKFLOW_BUNDLE_MANIFEST = manifestPath;
  process.env.BR_TEST_REPLAY_BUNDLE = replayPath;
}

export function removeWorkflowBundles(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
