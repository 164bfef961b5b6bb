/**
 * The delivery gate on Temporal, delivering into real git repositories. On the time-skipping test
 * server: an unanswered gate ends after timeoutHours of workflow time (cancelled, or delivered when
 * approval.onTimeout says so). On the dev server: approve and reject through the real MCP server
 * (br_build_control), a repeated request id, and answers that are refused with nothing changed.
 */
import { tmpdir } from 'node:os';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDeliveryActivities } from '../../activities/delivery';
import type { ApprovalSettings } from '../../lib/approval';
import { createContext } from '../../services/context';
import { locateTemporalBinary, INSTALL_HINT } from '../../services/temporal-binaries';
import type { BuildResult } from '../../workflows/core/types';
import { progressQuery } from '../../workflows/messages';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { runBr } from '../helpers/cli';
import { call, connectInMemory } from '../fixtures/mcp/support';
import { makeRepo, type TempRepo } from '../fixtures/repo';
import {
  connectClient,
  describeServer,
  serverAddress,
  serverBundle,
  startTimeSkipping,
  uniqueQueue,
} from '../helpers/temporal';
import { buildInput, plannedTask } from '../fixtures/temporal/builds';
import { fakeActivities } from '../fixtures/temporal/fake-activities';

const HOUR = 3600_000;
const plan = [plannedTask('a'), plannedTask('b', ['a'])];
const gate = (onTimeout: ApprovalSettings['onTimeout'], timeoutHours = 5): ApprovalSettings => ({
  plan: false,
  delivery: true,
  timeoutHours,
  onTimeout,
});

function contextFor(address: string, taskQueue: string) {
  const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_ADDRESS: address } });
  ctx.config.temporal.taskQueue = taskQueue;
  ctx.config.temporal.modelTaskQueuePrefix = `${taskQueue}-claude-`;
  return ctx;
}

/** A repository whose build branch holds the "tasks'" work: what the fake tasks would have merged. */
function repoWithBuild(id: string): { repo: TempRepo; branch: string; tip: string; main: string } {
  const repo = makeRepo();
  const branch = `br/${id}`;
  repo.git('switch', '-q', '-c', branch);
  repo.write('src/feature.txt', 'built\n');
  const tip = repo.commitAll('task work');
  repo.git('switch', '-q', 'main');
  return { repo, branch, tip, main: repo.git('rev-parse', 'main') };
}

function workerActivities() {
  const fakes = fakeActivities(0);
  return { ...fakes.activities, ...createDeliveryActivities({ cacheDir: tmpdir() }) };
}

const timeSkipping = Boolean(locateTemporalBinary('test-server'));
if (!timeSkipping) process.env.BR_TEST_TEMPORAL_SKIP ??= `no \`temporal-test-server\` found: ${INSTALL_HINT}`;

describeServer(
  'the delivery gate timer on the time-skipping test server',
  () => {
    let env: TestWorkflowEnvironment;
    let workers: RunningWorkers;
    const taskQueue = uniqueQueue('br-deliver-time');
    const repos: TempRepo[] = [];

    beforeAll(async () => {
      env = (await startTimeSkipping())!;
      workers = await startWorkers(contextFor(env.address, taskQueue), {
        activities: workerActivities(),
        workflowBundle: await serverBundle(),
      });
    }, 180_000);
    afterAll(async () => {
      await workers?.shutdown();
      await env?.teardown();
      for (const r of repos) r.cleanup();
    });

    async function run(onTimeout: ApprovalSettings['onTimeout']) {
      const id = `build-deliver-${onTimeout}-${Date.now()}`;
      const built = repoWithBuild(id);
      repos.push(built.repo);
      const started = await env.currentTimeMs();
      const result = (await env.client.workflow.execute('buildWorkflow', {
        workflowId: id,
        taskQueue,
        args: [
          buildInput(plan, {
            buildId: id,
            repoPath: built.repo.dir,
            buildBranch: built.branch,
            delivery: { mode: 'merge' },
            approval: gate(onTimeout),
          }),
        ],
        memo: { modelTaskQueuePrefix: `${taskQueue}-claude-` },
      })) as BuildResult;
      return { ...built, result, waited: (await env.currentTimeMs()) - started };
    }

    it('ends an unanswered delivery gate after 5 h: CANCELLED with the reason, main untouched', async () => {
      const { repo, branch, main, result, waited } = await run('cancel');
      expect(result.outcome).toBe('CANCELLED');
      expect(result.summary.message).toBe(
        `Build cancelled. Delivery not approved: nobody approved or rejected the delivery within 5 hours (approval.onTimeout: cancel). The build branch ${branch} keeps every task.`,
      );
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 2 });
      expect(repo.git('rev-parse', 'main')).toBe(main);
      expect(waited).toBeGreaterThanOrEqual(5 * HOUR);
    }, 120_000);

    it('delivers after the timeout when approval.onTimeout is "approve": main fast-forwarded to the build', async () => {
      const { repo, tip, result, waited } = await run('approve');
      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.delivery).toMatchObject({
        state: 'delivered',
        outcome: { how: 'fast-forward', commit: tip, where: 'checkout' },
      });
      expect(repo.git('rev-parse', 'main')).toBe(tip);
      expect(waited).toBeGreaterThanOrEqual(5 * HOUR);
    }, 120_000);
  },
  { available: timeSkipping },
);

describeServer('approve and reject a delivery through the MCP server, on the dev server', () => {
  let workers: RunningWorkers;
  let mcp: Client;
  const taskQueue = uniqueQueue('br-deliver');
  const ctx = contextFor(serverAddress(), taskQueue);
  ctx.config.temporal.webUiUrl = 'http://ui.example:8233';
  const repos: TempRepo[] = [];

  beforeAll(async () => {
    workers = await startWorkers(ctx, {
      activities: workerActivities(),
      workflowBundle: await serverBundle(),
    });
    mcp = await connectInMemory(tmpdir(), { config: ctx.config });
  }, 180_000);
  afterAll(async () => {
    await mcp?.close();
    await workers?.shutdown();
    for (const r of repos) r.cleanup();
  });

  async function start(name: string) {
    const id = `build-deliver-${name}-${Date.now()}`;
    const built = repoWithBuild(id);
    repos.push(built.repo);
    const { client, close } = await connectClient(ctx.config.temporal.namespace);
    const handle = await client.workflow.start('buildWorkflow', {
      workflowId: id,
      taskQueue,
      args: [
        buildInput(plan, {
          buildId: id,
          repoPath: built.repo.dir,
          buildBranch: built.branch,
          delivery: { mode: 'merge' },
          approval: gate('cancel', 72),
        }),
      ],
      memo: { modelTaskQueuePrefix: ctx.config.temporal.modelTaskQueuePrefix },
    });
    for (let i = 0; i < 150; i++) {
      if ((await handle.query(progressQuery)).status === 'AWAITING_APPROVAL') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { id, handle, close, ...built };
  }

  const br = (args: string[]) =>
    runBr(args, {
      cwd: tmpdir(),
      env: {
        TEMPORAL_ADDRESS: serverAddress(),
        TEMPORAL_UI_URL: 'http://ui.example:8233',
        DATABASE_URL: undefined,
      },
    });
  const control = (args: Record<string, unknown>) => call(mcp, 'br_build_control', args);
  const structured = (t: Awaited<ReturnType<typeof control>>) =>
    t.result.structuredContent as Record<string, unknown>;
  const text = (t: Awaited<ReturnType<typeof control>>) => (t.result.content[0] as { text: string }).text;

  it('shows the waiting delivery with its links, approves once per request id (br, then MCP), and main gets the build', async () => {
    const b = await start('ok');
    try {
      const status = structured(await call(mcp, 'br_build_status', { buildId: b.id }));
      expect(status).toMatchObject({
        status: 'AWAITING_APPROVAL',
        counts: { SUCCEEDED: 2 },
        approval: {
          gate: 'delivery',
          delivery: { mode: 'merge', buildBranch: b.branch, baseBranch: 'main' },
          ask: {
            webUiUrl: `http://ui.example:8233/namespaces/default/workflows/${b.id}`,
            status: `br build status ${b.id}`,
            reject: `br build reject ${b.id} --reason TEXT`,
          },
        },
      });
      expect(b.repo.git('rev-parse', 'main')).toBe(b.main);
      const cliJson = JSON.parse((await br(['build', 'status', b.id, '--json'])).stdout) as Record<
        string,
        unknown
      >;
      expect(cliJson).toMatchObject({ status: 'AWAITING_APPROVAL', approval: status.approval });
      const cliText = (await br(['build', 'status', b.id])).stdout;
      expect(cliText).toContain(`Waiting for approval to merge ${b.branch} into main`);
      expect(cliText).toContain(`br build approve ${b.id} --plan-hash`);
      expect(cliText).toContain(`Web UI:  http://ui.example:8233/namespaces/default/workflows/${b.id}`);

      const first = await br(['build', 'approve', b.id, '--request-id', 'mcp-ok-1']);
      expect(first.stdout).toContain(`Approved the delivery of ${b.id}.`);
      const again = structured(await control({ buildId: b.id, action: 'approve', requestId: 'mcp-ok-1' }));
      expect(again).toMatchObject({ state: { applied: false, requestId: 'mcp-ok-1' } });
      const result = (await b.handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
      expect(b.repo.git('rev-parse', 'main')).toBe(b.tip);
      expect(result.summary.message).toContain(
        `Merged ${b.branch} into main in ${b.repo.dir} (fast-forward,`,
      );
      const ended = (await br(['build', 'status', b.id])).stdout;
      expect(ended).toContain(
        `Merged ${b.branch} into main in ${b.repo.dir} (fast-forward, ${b.tip.slice(0, 12)}).`,
      );

      const late = await control({ buildId: b.id, action: 'approve' });
      expect(late.result.isError).toBe(true);
      expect(text(late)).toContain(`Build ${b.id} is completed: nothing is waiting for approval.`);
      expect(b.repo.git('rev-parse', 'main')).toBe(b.tip);
    } finally {
      await b.close();
    }
  }, 120_000);

  it('rejects with a reason: CANCELLED, main untouched, the reason on record; a rejection without one is refused', async () => {
    const b = await start('no');
    try {
      const bare = await control({ buildId: b.id, action: 'reject' });
      expect(bare.result.isError).toBe(true);
      expect((await b.handle.query(progressQuery)).status).toBe('AWAITING_APPROVAL');
      const rejected = structured(
        await control({
          buildId: b.id,
          action: 'reject',
          reason: 'after the release',
          requestId: 'mcp-no-1',
        }),
      );
      expect(rejected).toMatchObject({ state: { applied: true, decision: { decision: 'rejected' } } });
      const result = (await b.handle.result()) as BuildResult;
      expect(result.outcome).toBe('CANCELLED');
      expect(result.summary.message).toMatch(
        new RegExp(
          `^Build cancelled\\. Delivery rejected( by \\S+)?: after the release\\. The build branch ${b.branch} keeps every task\\.$`,
        ),
      );
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 2 });
      expect(b.repo.git('rev-parse', 'main')).toBe(b.main);
      expect(b.repo.git('rev-parse', b.branch)).toBe(b.tip);
    } finally {
      await b.close();
    }
  }, 120_000);

  it('refuses to approve a build that does not exist, with a clear error', async () => {
    const unknown = await control({ buildId: 'build-nobody-0000', action: 'approve', requestId: 'x-1' });
    expect(unknown.result.isError).toBe(true);
    expect(text(unknown)).toContain('No build "build-nobody-0000"');
  }, 60_000);
});
