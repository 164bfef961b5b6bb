/**
 * A spec near planner.maxSpecBytes, started for a build that plans itself with Claude: the spec rides in
 * the workflow input, so the start must not send Temporal a payload it refuses. Real dev server.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { startBuildFromSpec } from '../../services/build-start';
import { createContext } from '../../services/context';
import { makeTestKey } from '../fixtures/claude';
import { exampleRepo } from '../fixtures/mcp/support';
import { connectClient, describeServer, serverAddress, uniqueQueue } from '../helpers/temporal';

describeServer('a start with a huge spec and Claude planning', () => {
  it('answers at once with what to do, and never leaves a half-started build', async () => {
    const repo = exampleRepo({
      project: 'huge',
      temporal: { address: serverAddress(), taskQueue: uniqueQueue('br-huge') },
    });
    const line = `- The service keeps a record of every request it answered, ${'x'.repeat(60)}.\n`;
    appendFileSync(
      path.join(repo, 'PROJECT_SPEC.md'),
      `\n## Notes ${Date.now()}\n\n${line.repeat(Math.floor((2 * 1024 * 1024 - 8192) / line.length))}`,
    );
    const ctx = createContext({
      cwd: repo,
      env: {
        ...process.env,
        ANTHROPIC_API_KEY: makeTestKey(),
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
        DATABASE_URL: '',
      },
    });
    const t0 = performance.now();
    let outcome: unknown;
    try {
      outcome = (await startBuildFromSpec(ctx, { specPath: 'PROJECT_SPEC.md' })).summary;
    } catch (err) {
      outcome = err;
    }
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toContain('over the 1.5 MiB a build can carry');
    expect((outcome as Error).message).toContain('Nothing was started.');
    expect((outcome as { hint?: string }).hint).toContain('br plan --out');
    const { client, close } = await connectClient();
    try {
      const runs = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH 'build-huge-'` }))
        runs.push(wf);
      expect(runs).toHaveLength(0);
    } finally {
      await close();
    }
  }, 60_000);
});
