/** One workflow bundle (the real workflows/index.ts plus the history recorder) shared by a test file. */
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

export async function bundleForReplay(): Promise<{ code: string }> {
  if (!installed) {
    // Core logs a WARN for every workflow task a broken history fails; the assertions say what matters.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: 'ERROR', forward: {} } },
    });
    installed = true;
  }
  return bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '../../workflows/index.ts'),
    workflowInterceptorModules: [path.join(__dirname, 'history/recorder.ts')],
    logger: new DefaultLogger('WARN'),
  });
}
