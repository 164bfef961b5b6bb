/**
 * `br build status` of a RUNNING build over Temporal's HTTP API (services/build-status-http.ts, issue 31):
 * the same report as the gRPC client path, and a CLI process that reads it never loads the client.
 * Real dev server of the run (its HTTP API and Web UI), a worker whose agent holds its try (heartbeating
 * its model and attempt, as the real one does) until the test ends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { buildStatus, type BuildStatusReport } from '../../services/build-status';
import { createContext } from '../../services/context';
import { freePort } from '../../services/free-port';
import { startWorkers } from '../../worker/run';
import { connectClient, describeServer, serverAddress, serverBundle, uniqueQueue } from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';

const http = process.env.BR_TEST_TEMPORAL_HTTP;
const ui = process.env.BR_TEST_TEMPORAL_UI;
const ENTRY = path.join(__dirname, '../../cli/bin.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

let root: string;
let queue: string;
let id: string;
let released = false;
let workers: Awaited<ReturnType<typeof startWorkers>> | undefined;
let client: Client;
let closeClient: () => Promise<void>;

function env(temporalAddress: string, withHttp: boolean): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_URL: ui ?? '',
    DATABASE_URL: '',
    ...(withHttp ? { TEMPORAL_HTTP_ADDRESS: http ?? '' } : {}),
  };
}

function contextWith(vars: Record<string, string>) {
  const ctx = createContext({ cwd: root, env: vars });
  ctx.config.temporal.taskQueue = queue;
  ctx.config.temporal.modelTaskQueuePrefix = `${queue}-claude-`;
  return ctx;
}

/** What moves with the clock between two reads: the read's time and the build's elapsed time. */
function steady(r: BuildStatusReport) {
  return { ...r, now: 0, elapsedMs: 0 };
}

describeServer(
  'the status of a running build over the HTTP API',
  () => {
    beforeAll(async () => {
      root = mkdtempSync(path.join(os.tmpdir(), 'br-status-http-'));
      queue = uniqueQueue('br-status-http');
      id = `build-status-http-${Date.now().toString(36)}`;
      const fakes = fakeActivities(0);
      const runAgent = fakes.activities.runAgent;
      fakes.activities.runAgent = async (input) => {
        const progress = {
          model: input.model,
          attempt: input.attempt,
          turn: 3,
          maxTurns: 40,
          usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
          costUsd: '0',
        };
        while (!released && input.taskId === 'a') {
          Context.current().heartbeat(progress);
          await new Promise((r) => setTimeout(r, 500));
        }
        return runAgent(input);
      };
      // b's try waits in its verification, which says nothing of its try: its history page is read.
      const verifyTask = fakes.activities.verifyTask;
      fakes.activities.verifyTask = async (input) => {
        while (!released && input.worktreePath.startsWith('/tmp/wt/b-')) {
          Context.current().heartbeat();
          await new Promise((r) => setTimeout(r, 500));
        }
        return verifyTask(input);
      };
      const ctx = contextWith(env(serverAddress(), false));
      workers = await startWorkers(ctx, {
        activities: fakes.activities,
        workflowBundle: await serverBundle(),
      });
      ({ client, close: closeClient } = await connectClient());
      const plan = [
        plannedTask('a'),
        plannedTask('b'),
        plannedTask('c', ['a']),
        plannedTask('d', ['b', 'c']),
      ];
      const handle = await client.workflow.start('buildWorkflow', {
        workflowId: id,
        taskQueue: queue,
        args: [buildInput(plan, { buildId: id, parallel: 2, budgetUsd: '50', verifyCommand: 'true' })],
        memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
      });
      // Until a runs its agent and b verifies (as the client path shows them).
      for (let i = 0; i < 120; i++) {
        const r = await buildStatus(ctx, id, { forecast: 'off' }).catch(() => null);
        const steps = r?.tasks.map((t) => t.now?.step.kind).join(',');
        if (steps === 'agent,verifying,waiting-on,waiting-on') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect((await handle.describe()).status.name).toBe('RUNNING');
    }, 120_000);

    afterAll(async () => {
      released = true;
      await client?.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => {});
      await closeClient?.();
      await workers?.shutdown();
      rmSync(root, { recursive: true, force: true });
    }, 60_000);

    it('gives the same report as the gRPC client, with no gRPC at all (its address answers nothing)', async () => {
      // Any call that fell back to the client would fail on this address: HTTP answered all of it.
      const nowhere = `127.0.0.1:${await freePort()}`;
      const viaHttp = await buildStatus(contextWith(env(nowhere, true)), id, { forecast: 'off' });
      const viaClient = await buildStatus(contextWith(env(serverAddress(), false)), id, { forecast: 'off' });
      expect(viaHttp.status).toBe('RUNNING');
      expect(viaHttp.tasks.map((t) => [t.id, t.state, t.now?.step.kind])).toEqual([
        ['a', 'RUNNING', 'agent'],
        ['b', 'RUNNING', 'verifying'],
        ['c', 'PENDING', 'waiting-on'],
        ['d', 'PENDING', 'waiting-on'],
      ]);
      expect(viaHttp.tasks[0]!.now).toMatchObject({ model: expect.any(String), attempt: 1 });
      expect(viaHttp.tasks[1]!.now).toMatchObject({ model: expect.any(String), attempt: 1 });
      expect(viaHttp.parallel).toBe(2);
      expect(steady(viaHttp)).toEqual(steady(viaClient));
      // The forecast needs the build's settings (its start event), read over HTTP too.
      const forecast = await buildStatus(contextWith(env(nowhere, true)), id);
      expect(forecast.forecast).not.toBeNull();
    }, 60_000);

    it('is what a CLI process reads: it never loads the Temporal client or its protobuf root', async () => {
      const listing = path.join(root, 'list-modules.js');
      writeFileSync(
        listing,
        `process.on('exit', () => {
          require('node:fs').writeFileSync(process.env.BR_TEST_MODULES_OUT, Object.keys(require.cache).join('\\n'));
        });`,
      );
      // Asynchronous: the build's worker runs in this process and answers the CLI's query.
      const run = async (withHttp: boolean) => {
        const out = path.join(root, `modules-${withHttp}.txt`);
        const base = { ...process.env };
        delete base.TEMPORAL_HTTP_ADDRESS;
        const child = spawn(
          process.execPath,
          ['--import', TSX, '-r', listing, ENTRY, 'build', 'status', id, '--json'],
          { cwd: root, env: { ...base, ...env(serverAddress(), withHttp), BR_TEST_MODULES_OUT: out } },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        if (code !== 0) throw new Error(`br build status exited ${code}: ${stderr}`);
        const loaded = readFileSync(out, 'utf8');
        return {
          report: JSON.parse(stdout) as BuildStatusReport,
          client: ['@temporalio/client', '@temporalio/proto', '@grpc/grpc-js'].filter((m) =>
            loaded.includes(`node_modules/${m}/`),
          ),
        };
      };
      const fast = await run(true);
      expect(fast.report).toMatchObject({ status: 'RUNNING', counts: { RUNNING: 2 } });
      expect(fast.client).toEqual([]);
      // Without the HTTP address the same command loads them: the listing sees what it should.
      expect((await run(false)).client).toContain('@temporalio/client');
    }, 180_000);
  },
  { available: Boolean(process.env.BR_TEST_TEMPORAL_ADDRESS && http && ui) },
);
