/**
 * Ten starts of the same spec at once (as agents retrying over MCP and a person on the CLI would): one
 * workflow run, and exactly one caller is told it started the build; the others are told they attached.
 * Rebuilds at once after the build ended: one new run. Real dev server; no worker is needed to start.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { startBuildFromSpec } from '../../services/build-start';
import { createContext, type ServiceContext } from '../../services/context';
import { exampleRepo } from '../fixtures/mcp/support';
import { connectClient, describeServer, serverAddress, uniqueQueue } from '../helpers/temporal';

describeServer('starts of the same build at once', () => {
  let ctx: ServiceContext;
  beforeAll(() => {
    const repo = exampleRepo({
      project: 'race',
      temporal: { address: serverAddress(), taskQueue: uniqueQueue('br-race') },
    });
    appendFileSync(path.join(repo, 'PROJECT_SPEC.md'), `\n## Notes\n\nRun ${Date.now()}.\n`);
    ctx = createContext({
      cwd: repo,
      env: { ...process.env, ANTHROPIC_API_KEY: undefined, DATABASE_URL: '' },
    });
  });
  const start = async (rebuild = false) =>
    (
      await startBuildFromSpec(ctx, {
        specPath: 'PROJECT_SPEC.md',
        planner: 'heuristic',
        ...(rebuild ? { rebuild } : {}),
      })
    ).summary;

  async function runs(id: string): Promise<string[]> {
    const { client, close } = await connectClient();
    try {
      // Visibility catches up a moment after a start.
      let found: string[] = [];
      for (let i = 0; i < 30; i++) {
        found = [];
        for await (const wf of client.workflow.list({ query: `WorkflowId = '${id}'` })) found.push(wf.runId);
        if (found.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return found;
    } finally {
      await close();
    }
  }

  it('ten at once: one run, one "started", nine "attached"; two rebuilds at once: one new run', async () => {
    const all = await Promise.all(Array.from({ length: 10 }, () => start()));
    const id = all[0]!.buildId;
    expect(new Set(all.map((s) => s.buildId))).toEqual(new Set([id]));
    expect(all.map((s) => s.state).sort()).toEqual(['started', ...Array(9).fill('attached')].sort());
    expect(await runs(id)).toHaveLength(1);

    const { client, close } = await connectClient();
    try {
      await client.workflow.getHandle(id).terminate('test: the build ended');
    } finally {
      await close();
    }
    const rebuilt = await Promise.all([start(true), start(true)]);
    expect(rebuilt.map((s) => s.state).sort()).toEqual(['attached', 'started']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await runs(id)).toHaveLength(2);
    const { client: c2, close: close2 } = await connectClient();
    try {
      await c2.workflow.getHandle(id).terminate('test done');
    } finally {
      await close2();
    }
  }, 60_000);
});
