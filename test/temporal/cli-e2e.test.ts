/**
 * End to end on a real Temporal server (TEMPORAL_ADDRESS, or a `temporal` CLI on PATH): `br build
 * start --watch` on the example repository, with real activities — git worktrees, commits through
 * hooks, merges, the embedded database served to the worker — and the real Anthropic SDK talking to
 * the scripted Anthropic-compatible server. Skipped, and says so, without a server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmbeddedServer, type EmbeddedServer } from '../../lib/db/embedded-server';
import { createContext } from '../../services/context';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../fakes/anthropic-server';
import { runBr } from '../helpers/cli';
import { bundleForReplay } from './replay-setup';

const binary = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).stdout.trim();
const available = Boolean(process.env.TEMPORAL_ADDRESS || binary);
const SKIP_REASON = 'skipped: no Temporal server (set TEMPORAL_ADDRESS or put the `temporal` CLI on PATH)';
if (!available) console.warn(`test/temporal/cli-e2e.test.ts ${SKIP_REASON}`);

(available ? describe : describe.skip)(
  `br build start --watch on the example${available ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let env: TestWorkflowEnvironment | undefined;
    let address = process.env.TEMPORAL_ADDRESS ?? '';
    let anthropic: FakeAnthropic;
    let database: EmbeddedServer;
    let workers: RunningWorkers;
    let repo: string;
    const key = ['sk', 'ant', 'api03', randomBytes(30).toString('base64url')].join('-');
    const taskQueue = `br-e2e-${Date.now()}`;

    beforeAll(async () => {
      if (!address) {
        const { TestWorkflowEnvironment } = await import('@temporalio/testing');
        env = await TestWorkflowEnvironment.createLocal({
          server: { executable: { type: 'existing-path', path: binary } },
        });
        address = env.address;
      }
      repo = mkdtempSync(path.join(tmpdir(), 'br-e2e-'));
      cpSync(path.join(__dirname, '../../examples/todo-api'), repo, { recursive: true });
      writeFileSync(
        path.join(repo, 'buildrunner.config.json'),
        JSON.stringify({
          project: 'todo-api',
          temporal: { taskQueue, modelTaskQueuePrefix: `${taskQueue}-claude-` },
          agent: { verifyCommand: 'npm test' },
        }),
      );
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'example');

      anthropic = await startFakeAnthropic();
      let files = 0;
      // Each agent conversation writes one file, then finishes.
      for (let i = 0; i < 200; i++) {
        anthropic.enqueue({
          kind: 'dynamic',
          respond: (request) =>
            (request.body as { messages: unknown[] }).messages.length === 1
              ? toolUse('write_file', { path: `notes/change-${++files}.md`, content: `change ${files}\n` })
              : toolUse('finish', { summary: 'done' }),
        });
      }
      database = await startEmbeddedServer({ root: repo, dataDir: path.join(repo, '.buildrunner', 'db') });
      const ctx = createContext({
        cwd: repo,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          ANTHROPIC_API_KEY: key,
          ANTHROPIC_BASE_URL: anthropic.url,
        },
      });
      workers = await startWorkers(ctx, { workflowBundle: await bundleForReplay() });
    }, 240_000);

    afterAll(async () => {
      await workers?.shutdown();
      await database?.stop();
      await anthropic?.close();
      await env?.teardown();
    });

    it('completes, merges every task into the build branch and never shows the key', async () => {
      const result = await runBr(
        ['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5', '--watch'],
        {
          cwd: repo,
          env: { TEMPORAL_ADDRESS: address, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: anthropic.url },
        },
      );
      expect(result.stdout).toMatch(/ done SUCCEEDED /);
      expect(result.code).toBe(0);
      const buildId = /Started build (\S+)/.exec(result.stdout)![1]!;
      const merged = execFileSync('git', ['ls-tree', '-r', '--name-only', `br/${buildId}`, 'notes'], {
        cwd: repo,
        encoding: 'utf8',
      });
      expect(merged.trim().split('\n').length).toBeGreaterThanOrEqual(5);
      expect(result.stdout + result.stderr).not.toContain(key);
      for (const request of anthropic.requests) expect(request.rawBody).not.toContain(key);
      const costs = await runBr(['costs', '--build', buildId, '--json'], { cwd: repo });
      expect(costs.code).toBe(0);
      expect(costs.stdout).not.toContain(key);
    }, 600_000);
  },
);
