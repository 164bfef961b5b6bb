/**
 * Notifications of a real build on the real Temporal dev server: `br worker` as its own OS process
 * (real activities, the embedded database, the scripted Anthropic server), loopback receivers that
 * count what they get. The worker is SIGKILLed once build.finished has landed at the webhook and at a
 * sink that is not idempotent, before either answered: after the retry the webhook has one delivery
 * (the same key twice) and the other sink one send plus an outcome-unknown event. A slow sink and a
 * broken one leave the build SUCCEEDED with their failures in `br build status`, and no history,
 * database row or log holds a receiver URL or the signing secret.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BuildResult } from '../../workflows/core/types';
import { taskWorkflowId } from '../../workflows/core/port';
import { runBr } from '../helpers/cli';
import { connectClient, describeServer } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { startReceiver, type Receiver } from '../fixtures/notify/receiver';

const PLUGIN = `
const post = async (url, event, ctx) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'x-buildrunner-event': event.type, 'idempotency-key': ctx.idempotencyKey },
    body: JSON.stringify(event),
    signal: ctx.signal,
  });
  if (!res.ok) throw new Error('HTTP ' + res.status);
  return { status: 'delivered' };
};
module.exports = {
  name: 'test-sinks',
  apiVersion: 1,
  sinks: [
    { name: 'once', description: 'one message per POST, like Slack', events: ['build.finished'],
      env: [{ name: 'ONCE_URL', required: true, description: 'where' }], timeoutMs: 3000, idempotent: false,
      deliver: (e, ctx) => post(ctx.env.ONCE_URL, e, ctx) },
    { name: 'slow', description: 'never answers in time', events: ['build.started', 'build.finished'],
      env: [{ name: 'SLOW_URL', required: true, description: 'where' }], timeoutMs: 1500, idempotent: true,
      deliver: (e, ctx) => post(ctx.env.SLOW_URL, e, ctx) },
  ],
};
`;

const typeOf = (r: { headers: Record<string, unknown> }) => String(r.headers['x-buildrunner-event']);

describeServer('notifications of a real build', () => {
  let build: RealBuild;
  let hook: Receiver;
  let once: Receiver;
  let slow: Receiver;
  const workers: WorkerProcess[] = [];
  const secret = `whsec-${randomBytes(12).toString('hex')}`;
  const token = `tok${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    [hook, once, slow] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    const pluginDir = mkdtempSync(path.join(tmpdir(), 'br-plugin-'));
    writeFileSync(path.join(pluginDir, 'test-sinks.js'), PLUGIN);
    build = await setupRealBuild({
      database: 'embedded',
      config: {
        plugins: [path.join(pluginDir, 'test-sinks.js')],
        notify: {
          sinks: [
            {
              id: 'hook',
              sink: 'webhook',
              options: { urlEnv: 'TEST_HOOK_URL', secretEnv: 'TEST_HOOK_SECRET' },
            },
            { sink: 'once' },
            { sink: 'slow' },
            {
              id: 'broken',
              sink: 'webhook',
              events: ['build.finished'],
              options: { urlEnv: 'BROKEN_URL', secretEnv: 'TEST_HOOK_SECRET' },
            },
          ],
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all([hook?.close(), once?.close(), slow?.close()]);
    await build?.close();
  });

  it('delivers exactly once through a killed worker; failing sinks leave the build SUCCEEDED and show in status', async () => {
    const sinkEnv = {
      TEST_HOOK_URL: `${hook.url}/${token}`,
      TEST_HOOK_SECRET: secret,
      ONCE_URL: `${once.url}/${token}`,
      SLOW_URL: `${slow.url}/${token}`,
      BROKEN_URL: `htp:/${token}`,
    };
    slow.respond = () => ({ hang: true });
    // build.finished lands at both, unanswered; then the worker dies.
    let killedAt = 0;
    const first = spawnWorker(build, [], sinkEnv);
    workers.push(first);
    const killWhenBothLanded = () => {
      const landed = [hook, once].every((r) => r.requests.some((q) => typeOf(q) === 'build.finished'));
      if (landed && !killedAt) {
        killedAt = Date.now();
        first.child.kill('SIGKILL');
      }
    };
    hook.respond = (r) => (typeOf(r) === 'build.finished' && !killedAt ? { hang: true } : {});
    once.respond = () => (killedAt ? {} : { hang: true });
    hook.onRequest = killWhenBothLanded;
    once.onRequest = killWhenBothLanded;
    await workerReady(first);

    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5'], {
      cwd: build.repo,
      env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
    });
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;

    const until = Date.now() + 240_000;
    while (!killedAt && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(killedAt).toBeGreaterThan(0);
    expect(await first.exited).toBe('SIGKILL');
    const second = spawnWorker(build, [], sinkEnv);
    workers.push(second);
    await workerReady(second);

    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');

      // The webhook: every event once per key, signed; build.finished sent twice under one key.
      const finished = hook.requests.filter((r) => typeOf(r) === 'build.finished');
      expect(finished).toHaveLength(2);
      expect(new Set(finished.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      const kinds = hook.requests.map(typeOf);
      expect(kinds.filter((k) => k === 'build.started')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'task.succeeded')).toHaveLength(5);
      for (const r of hook.requests)
        expect(r.headers['x-buildrunner-signature']).toBe(
          `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`,
        );
      expect(JSON.parse(finished[1]!.body)).toMatchObject({
        type: 'build.finished',
        buildId,
        data: { outcome: 'SUCCEEDED' },
      });
      // The sink that is not idempotent: one send, never a second.
      expect(once.requests).toHaveLength(1);

      const status = await runBr(['build', 'status', buildId, '--json'], { cwd: build.repo, env: cliEnv });
      expect(status.code).toBe(0);
      const report = JSON.parse(status.stdout) as {
        status: string;
        notifications: {
          sent: Record<string, number>;
          problems: { type: string; sink: string; eventType: string; kind: string; hint?: string }[];
        };
      };
      expect(report.status).toBe('SUCCEEDED');
      expect(report.notifications.sent.hook).toBe(7);
      const problems = report.notifications.problems
        .map((p) => `${p.type} ${p.sink} ${p.eventType} ${p.kind}`)
        .sort();
      expect(problems).toEqual(
        [
          'NOTIFY_FAILED broken build.finished config',
          'NOTIFY_FAILED slow build.finished timeout',
          'NOTIFY_FAILED slow build.started timeout',
          'NOTIFY_OUTCOME_UNKNOWN once build.finished outcome-unknown',
        ].sort(),
      );
      expect(report.notifications.problems.find((p) => p.sink === 'broken')?.hint).toMatch(/BROKEN_URL/);
      const human = await runBr(['build', 'status', buildId], { cwd: build.repo, env: cliEnv });
      expect(human.stdout).toContain('Notifications: sent hook 7; 4 problem(s)');
      expect(human.stdout).toMatch(/once build\.finished: outcome unknown/);

      // No receiver URL and no secret in a history, a database row or the worker's log.
      const db = await build.db();
      const tasks = await db.prisma.task.findMany({ where: { buildId } });
      expect(tasks).toHaveLength(5);
      const histories = [await handle.fetchHistory()];
      for (const t of tasks)
        histories.push(await client.workflow.getHandle(taskWorkflowId(buildId, t.taskKey)).fetchHistory());
      const text = (v: unknown) =>
        JSON.stringify(v, (_k, x: unknown) =>
          x instanceof Uint8Array ? Buffer.from(x).toString('utf8') : typeof x === 'bigint' ? String(x) : x,
        );
      const rows = [
        ...(await db.prisma.telemetryEvent.findMany({ where: { buildId } })),
        ...(await db.prisma.build.findMany()),
        ...(await db.prisma.task.findMany()),
      ];
      const logFile = path.join(build.repo, '.buildrunner/logs/worker.log');
      const logs =
        first.output() + second.output() + (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
      expect(rows.length).toBeGreaterThan(10);
      for (const [where, haystack] of [
        ['histories', text(histories)],
        ['database', text(rows)],
        ['worker log', logs],
        ['status', status.stdout + human.stdout],
      ] as const) {
        expect([where, haystack.includes(token)]).toEqual([where, false]);
        expect([where, haystack.includes(secret)]).toEqual([where, false]);
      }
      expect(text(histories)).toContain('build.finished');
    } finally {
      await close();
    }
  }, 420_000);
});
