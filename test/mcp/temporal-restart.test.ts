/**
 * Against a real Temporal server: an MCP server is killed mid-build, a new one is started, and the build
 * is still there and runs to the end. Uses TEMPORAL_ADDRESS when a server answers there, else starts a
 * `temporal` CLI found on PATH; skipped, and says so, when neither is available.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
import { fakeActivities } from '../temporal/fixtures/fake-activities';
import { exampleRepo } from './support';

/** Whether something accepts TCP connections at host:port, decided before jest collects the tests. */
function reachable(address: string): boolean {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    address.slice(address.lastIndexOf(':') + 1),
  ];
  const probe = `require('net').connect(${Number(port)}, ${JSON.stringify(host)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 2000);`;
  return spawnSync(process.execPath, ['-e', probe]).status === 0;
}

const given = process.env.TEMPORAL_ADDRESS;
const binary = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).stdout.trim();
const useGiven = Boolean(given && reachable(given));
const available = useGiven || Boolean(binary);
const SKIP_REASON = given
  ? `skipped: no Temporal server answers at TEMPORAL_ADDRESS=${given} and no \`temporal\` CLI is on PATH`
  : 'skipped: no Temporal server (set TEMPORAL_ADDRESS or put the `temporal` CLI on PATH)';
if (!available)
  console.warn(`test/mcp/temporal-restart.test.ts ${SKIP_REASON}${process.env.CI ? ' (in CI!)' : ''}`);

const root = path.join(__dirname, '../..');
const terminal = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED'];

(available ? describe : describe.skip)(
  `br mcp serve against a real Temporal server${available ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let address = useGiven ? given! : '';
    let server: ChildProcess | undefined;
    let workers: RunningWorkers | undefined;
    let repo: string;
    const taskQueue = `br-mcp-${Date.now()}`;

    beforeAll(async () => {
      if (!address) {
        const port = 17233 + Math.floor(Math.random() * 2000);
        address = `127.0.0.1:${port}`;
        server = spawn(
          binary,
          [
            'server',
            'start-dev',
            '--headless',
            '--ip',
            '127.0.0.1',
            '--port',
            String(port),
            '--log-level',
            'error',
          ],
          {
            stdio: 'ignore',
          },
        );
        // Started here rather than by the SDK, which waits only ~5 s: a loaded machine needs longer.
        const { Connection } = await import('@temporalio/client');
        for (let i = 0; ; i++) {
          try {
            await (await Connection.connect({ address, connectTimeout: '2 seconds' })).close();
            break;
          } catch (err) {
            if (i > 60) throw err;
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
      }
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
      server?.kill('SIGTERM');
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

    /** A call that hit the 1.8 s deadline says "call again"; on a loaded machine, do. */
    async function callTool(client: Client, name: string, args: Record<string, unknown>) {
      for (let i = 0; ; i++) {
        const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
        const text = JSON.stringify(result.content);
        if (!result.isError || !text.includes('no answer within') || i > 20) return result;
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
      expect(started.structuredContent).toMatchObject({ attached: false });

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
  },
);
