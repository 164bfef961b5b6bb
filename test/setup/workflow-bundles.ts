/**
 * The server project's workflow bundles, built once per run in globalSetup and written to files that
 * every worker of the run loads (`workflowBundle: { codePath }`), instead of one webpack build per test
 * file and per `br worker` process: the production bundle (BR_WORKFLOW_BUNDLE, which worker/run.ts
 * and the `br worker` processes the tests start honour) and the same code with the history recorder
 * (BR_TEST_REPLAY_BUNDLE, test/fixtures/temporal/replay-setup.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

let dir: string | undefined;

export async function buildWorkflowBundles(): Promise<void> {
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  dir = mkdtempSync(path.join(tmpdir(), 'br-test-bundles-'));
  mkdirSync(dir, { recursive: true });
  const workflowsPath = path.join(ROOT, 'workflows/index.ts');
  const logger = new DefaultLogger('WARN');
  const [production, replay] = await Promise.all([
    bundleWorkflowCode({ workflowsPath, logger }),
    bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [path.join(ROOT, 'test/fixtures/temporal/history/recorder.ts')],
      logger,
    }),
  ]);
  const productionPath = path.join(dir, 'workflows.js');
  const replayPath = path.join(dir, 'workflows-with-recorder.js');
  writeFileSync(productionPath, production.code);
  writeFileSync(replayPath, replay.code);
  process.env.BR_WORKFLOW_BUNDLE = productionPath;
  process.env.BR_TEST_REPLAY_BUNDLE = replayPath;
}

export function removeWorkflowBundles(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
