import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

const logger = new DefaultLogger('ERROR');

describe('the workflow bundle', () => {
  it('bundles every workflow for the Temporal sandbox without Node built-ins, Prisma or the Anthropic SDK', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '../../workflows/index.ts'),
      logger,
    });
    for (const name of ['buildWorkflow', 'taskWorkflow', 'metricsAggregationWorkflow'])
      expect(code).toContain(name);
    expect(code).not.toMatch(/@prisma\/client|@anthropic-ai\/sdk|child_process|pglite/);
  }, 120_000);

  it('rejects workflow code that imports a Node built-in', async () => {
    const messages: string[] = [];
    const capture = new DefaultLogger('ERROR', (entry) => void messages.push(entry.message));
    await expect(
      bundleWorkflowCode({
        workflowsPath: path.join(__dirname, '../fixtures/temporal/leaky-workflow.ts'),
        logger: capture,
      }),
    ).rejects.toThrow(/Webpack finished with errors/);
    expect(messages.join('\n')).toContain('node:fs');
  }, 120_000);
});
