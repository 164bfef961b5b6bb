/**
 * Every request the agent sends is on record before it is sent (an unsettled row at its worst-case
 * price), settled by its answer; and an attempt rides out a database that goes away mid-attempt: its
 * rows wait in memory and are all written once the database is back (issue 27). The outage runs on a
 * PostgreSQL cluster of the test's own, stopped and started again; never the shared one.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createClaudeActivities } from '../../../activities/claude';
import { openDatabase } from '../../../activities/db/connection';
import { migrate } from '../../../activities/db/migrate';
import type { Database } from '../../../lib/db/connection';
import type { AgentProgress, RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { errors, startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';
import { createTestDatabase } from '../../helpers/db';
import {
  startThrowawayPostgres,
  throwawayPostgresAvailable,
  type ThrowawayPostgres,
} from '../../helpers/throwaway-postgres';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('requests on record', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let tmp: { dir: string; cleanup: () => void };
  let base: string;

  const input = (buildId: string): RunAgentInput => ({
    buildId,
    taskId: 'notes',
    attempt: 1,
    model: 'claude-haiku-5-5',
    worktreePath: tmp.dir,
    baseCommit: base,
    task: {
      id: 'notes',
      title: 'Notes',
      description: 'Write notes.md.',
      acceptance: ['notes.md exists'],
      dependsOn: [],
      files: ['notes.md'],
    },
    budgetUsd: '1.00',
  });
  const run = (db: Database, buildId: string, beats: unknown[] = [], extra: Record<string, unknown> = {}) => {
    const env = new MockActivityEnvironment({ attempt: 1 });
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const activities = createClaudeActivities({
      db,
      config: testConfig(server.url, { anthropic: { baseUrl: server.url, timeoutMs: 20_000 }, ...extra }),
      apiKey: key,
    });
    const result: Promise<RunAgentResult> = env.run(activities.runAgent, input(buildId));
    return result;
  };
  const rows = (db: Database, buildId: string) =>
    db.prisma.costEntry.findMany({ where: { buildId }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    server = await startFakeAnthropic();
    tmp = tempDir('br-on-record-');
    git(tmp.dir, 'init', '-q', '-b', 'main');
    writeFileSync(`${tmp.dir}/README.md`, '# Demo\n');
    git(tmp.dir, 'add', '.');
    git(tmp.dir, 'commit', '-q', '-m', 'base');
    base = git(tmp.dir, 'rev-parse', 'HEAD');
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('writes an unsettled worst-case row before each request, and the answer settles it', async () => {
    const db = await createTestDatabase('pglite');
    try {
      server.enqueue(
        errors.slow(1500, toolUse('write_file', { path: 'notes.md', content: 'n\n' })),
        toolUse('finish', { summary: 'done' }),
      );
      const attempt = run(db, 'b-record');
      // While the first answer is on its way, its request is already on record.
      const pending = await until('the in-flight request and its row', async () =>
        server.requests.length === 1 ? (await rows(db, 'b-record'))[0] : undefined,
      );
      expect(pending).toMatchObject({ settled: false, outputTokens: server.requests[0]!.body.max_tokens });
      expect(pending.inputTokens).toBeGreaterThanOrEqual(server.requests[0]!.rawBody.length / 4);
      expect(Number(pending.usd)).toBeGreaterThan(0);
      const result = await attempt;
      expect(result.outcome).toBe('finished');
      const after = await rows(db, 'b-record');
      expect(after).toHaveLength(server.requests.length);
      expect(after.every((r) => r.settled)).toBe(true);
      // The scripted server's usage (100 in, 50 out), not the estimate.
      expect(after.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
        [100, 50],
        [100, 50],
      ]);
      expect(after.reduce((a, r) => a + Number(r.usd), 0)).toBeCloseTo(Number(result.costUsd), 10);
    } finally {
      await db.close();
    }
  });

  it('settles a request the API refused (529) at zero: every request sent has its row', async () => {
    const db = await createTestDatabase('pglite');
    try {
      server.enqueue(errors.overloaded());
      const f = await failureOf(run(db, 'b-refused'));
      expect(f.type).toBe(FailureClass.OVERLOADED);
      const after = await rows(db, 'b-refused');
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ settled: true, inputTokens: 0, outputTokens: 0 });
      expect(Number(after[0]!.usd)).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('puts a structured call (the Claude planner) on record before it is sent, and the answer settles it', async () => {
    const db = await createTestDatabase('pglite');
    try {
      writeFileSync(`${tmp.dir}/SPEC.md`, '# Shop\n\n## Cart\n- [ ] Add to cart\n');
      const planned = { id: 'cart', title: 'Cart', description: 'Add to cart', acceptance: ['works'] };
      server.enqueue(
        errors.slow(
          1500,
          toolUse('submit_plan', { tasks: [{ ...planned, dependsOn: [], files: ['cart.js'] }] }),
        ),
      );
      const activities = createClaudeActivities({
        db,
        config: testConfig(server.url, { anthropic: { baseUrl: server.url, timeoutMs: 20_000 } }),
        apiKey: key,
        repoRoot: tmp.dir,
      });
      const planning = activities.planBuild({
        buildId: 'b-plan-record',
        project: 'shop',
        repoPath: '.',
        specPath: 'SPEC.md',
        planner: 'claude',
      });
      // A worker killed now would leave this row: the request it sent is on record.
      const pending = await until('the in-flight plan request and its row', async () =>
        server.requests.length === 1 ? (await rows(db, 'b-plan-record'))[0] : undefined,
      );
      expect(pending).toMatchObject({
        settled: false,
        purpose: 'plan',
        outputTokens: server.requests[0]!.body.max_tokens,
      });
      const result = await planning;
      const after = await rows(db, 'b-plan-record');
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ settled: true, inputTokens: 100, outputTokens: 50 });
      expect(Number(after[0]!.usd)).toBeCloseTo(Number(result.costUsd), 10);

      server.enqueue(errors.overloaded());
      await failureOf(
        activities.planBuild({
          buildId: 'b-plan-refused',
          project: 'shop',
          repoPath: '.',
          specPath: 'SPEC.md',
          planner: 'claude',
        }),
      );
      expect(await rows(db, 'b-plan-refused')).toMatchObject([
        { settled: true, inputTokens: 0, outputTokens: 0 },
      ]);
    } finally {
      await db.close();
    }
  });

  const withCluster = throwawayPostgresAvailable() ? it : it.skip;
  withCluster(
    'rides out its own PostgreSQL stopped for 20 s mid-attempt: no failure, every row written once',
    async () => {
      const pg: ThrowawayPostgres = await startThrowawayPostgres();
      let db: Database | undefined;
      try {
        db = await openDatabase({ kind: 'postgres', url: pg.url });
        await migrate(db);
        // Three turns; the database goes away while the first answer is on its way and stays away
        // while the agent gets its other answers and finishes.
        server.enqueue(
          errors.slow(1500, toolUse('read_file', { path: 'README.md' })),
          toolUse('write_file', { path: 'notes.md', content: 'n\n' }),
          toolUse('finish', { summary: 'done' }),
        );
        const beats: unknown[] = [];
        const started = Date.now();
        const attempt = run(db, 'b-outage', beats);
        await until('the first request', async () => (server.requests.length >= 1 ? true : undefined));
        pg.stop();
        const stoppedAt = Date.now();
        await until('every answer', async () => (server.requests.length >= 3 ? true : undefined));
        await new Promise((r) => setTimeout(r, 20_000 - (Date.now() - stoppedAt)));
        pg.start();
        const result = await attempt;
        expect(result.outcome).toBe('finished');
        expect(Date.now() - started).toBeGreaterThanOrEqual(20_000);
        const waiting = beats.filter((b) => (b as AgentProgress).databaseWaitingSince);
        expect(waiting.length).toBeGreaterThan(0);
        const after = await rows(db, 'b-outage');
        expect(after).toHaveLength(3);
        expect(after.every((r) => r.settled)).toBe(true);
        expect(after.reduce((a, r) => a + Number(r.usd), 0)).toBeCloseTo(Number(result.costUsd), 10);
      } finally {
        await db?.close().catch(() => undefined);
        pg.destroy();
      }
    },
    120_000,
  );
});
