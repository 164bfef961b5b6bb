/**
 * Against a real Temporal server: an MCP server is killed mid-build, a new one is started, and the build
 * is still there and runs to the end. Runs on the test run's dev server (test/helpers/temporal.ts);
 * never skipped in CI.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PlanBuildInput } from '../../lib/contracts';
import { planFromMarkdown } from '../../lib/planner/heuristic';
import { createContext } from '../../services/context';
import { bundleWorkflows, startWorkers, type RunningWorkers } from '../../worker/run';
import { fakeActivities } from '../fixtures/temporal/fake-activities';
import { describeServer, serverAddress } from '../helpers/temporal';
import { exampleRepo } from '../fixtures/mcp/support';

const root = path.join(__dirname, '../..');
const terminal = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED'];

describeServer('br mcp serve against a real Temporal server', () => {
  let address = '';
  let workers: RunningWorkers | undefined;
  let repo: string;
  const taskQueue = `br-mcp-${Date.now()}`;

  beforeAll(async () => {
    address = serverAddress();
    repo = exampleRepo({
      project: 'todo-api',
      temporal: { taskQueue, modelTaskQueuePrefix: `${taskQueue}-claude-` },
    });
    const ctx = createContext({ cwd: repo, env: { TEMPORAL_ADDRESS: address } });
    const fakes = fakeActivities(2500);
    workers = await startWorkers(ctx, {
      activities: {
        ...fakes.activities,
        planBuild: async ({ specPath }: PlanBuildInput) => ({
          plan: planFromMarkdown(readFileSync(path.join(repo, specPath), 'utf8'), 'todo-api'),
          costUsd: '0',
        }),
      },
      workflowBundle: await bundleWorkflows(),
    });
  }, 180_000);

  afterAll(async () => {
    await workers?.shutdown();
  });

  async function connect(): Promise<{ client: Client; pid: () => number | null }> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        path.join(root, 'cli/bin.ts'),
        'mcp',
        'serve',
      ],
      cwd: repo,
      env: { ...(process.env as Record<string, string>), TEMPORAL_ADDRESS: address, DATABASE_URL: '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'br-test', version: '1' });
    await client.connect(transport);
    return { client, pid: () => transport.pid };
  }

  /** A call that hit the 1.8 s deadline says calling again is safe; on a loaded machine, do. */
  async function callTool(client: Client, name: string, args: Record<string, unknown>) {
    for (let i = 0; ; i++) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const text = JSON.stringify(result.content);
      if (!result.isError || !text.includes('did not finish within') || i > 20)
        return Object.assign(result, { retried: i > 0 });
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('keeps a build running when the MCP server is killed, and a new server sees it through', async () => {
    const first = await connect();
    const started = await callTool(first.client, 'br_build_start', {
      spec: 'PROJECT_SPEC.md',
      parallel: 2,
    });
    expect(started.isError).toBeFalsy();
    const { buildId } = started.structuredContent as { buildId: string; attached: boolean };
    // A first call past the deadline may have started the build; the repeat then attaches to it.
    if (!started.retried) expect(started.structuredContent).toMatchObject({ attached: false });

    let status = '';
    for (let i = 0; i < 60 && status !== 'RUNNING'; i++) {
      const polled = await callTool(first.client, 'br_build_status', { buildId });
      status = String((polled.structuredContent as { status?: string } | undefined)?.status ?? '');
      if (status !== 'RUNNING') await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe('RUNNING');
    process.kill(first.pid()!, 'SIGKILL');
    await first.client.close();

    const second = await connect();
    try {
      const again = await callTool(second.client, 'br_build_start', {
        spec: 'PROJECT_SPEC.md',
        parallel: 2,
      });
      expect(again.structuredContent).toMatchObject({ buildId, attached: true });
      const seen = await callTool(second.client, 'br_build_status', { buildId });
      expect(seen.structuredContent).toMatchObject({ buildId, status: 'RUNNING' });
      let final: { status?: string; counts?: Record<string, number> } = {};
      for (let i = 0; i < 240 && !terminal.includes(final.status ?? ''); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const polled = await callTool(second.client, 'br_build_status', { buildId });
        if (!polled.isError) final = polled.structuredContent as typeof final;
      }
      expect(final.status).toBe('SUCCEEDED');
      expect(final.counts?.FAILED).toBe(0);
    } finally {
      await second.client.close();
    }
  }, 360_000);
});
