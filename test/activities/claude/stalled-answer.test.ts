/**
 * A hanging API (issue 27): an answer whose headers came and whose body never ends is bounded by
 * anthropic.timeoutMs like an answer that never starts. Before, the SDK's timeout covered the headers
 * only: the agent attempt waited on the body with its keep-alive heartbeats going on, until the
 * activity's 90-minute start-to-close. The request stays on record unsettled (it may be billed).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createClaudeActivities } from '../../../activities/claude';
import type { RunAgentInput } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { errors, startFakeAnthropic, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

/** Fails the test instead of hanging it: a stalled request would otherwise hold it to jest's timeout. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('an answer that stalls after its headers', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let tmp: { dir: string; cleanup: () => void };
  let base: string;

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    tmp = tempDir('br-stalled-');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
        cwd: tmp.dir,
        encoding: 'utf8',
      }).trim();
    git('init', '-q', '-b', 'main');
    writeFileSync(`${tmp.dir}/README.md`, '# Demo\n');
    writeFileSync(`${tmp.dir}/SPEC.md`, '# Shop\n\n## Cart\n- [ ] Add to cart\n');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    base = git('rev-parse', 'HEAD');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    tmp.cleanup();
  });

  // timeoutMs 1000 (testConfig): the attempt must end well within the guard.
  const activities = () =>
    createClaudeActivities({ db, config: testConfig(server.url), apiKey: key, repoRoot: tmp.dir });

  it('ends an agent attempt with TIMEOUT at anthropic.timeoutMs, its request on record unsettled', async () => {
    server.enqueue(errors.stalledBody());
    const input: RunAgentInput = {
      buildId: 'b-stalled',
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
    };
    // In an activity, with its keep-alive heartbeats: they must not keep a stalled request alive.
    const env = new MockActivityEnvironment({ attempt: 1 });
    const f = await within(10_000, failureOf(env.run(activities().runAgent, input)));
    expect(f.type).toBe(FailureClass.TIMEOUT);
    expect(f.message).toMatch(/timed out/);
    const rows = await db.prisma.costEntry.findMany({ where: { buildId: 'b-stalled' } });
    expect(server.requests).toHaveLength(1);
    expect(rows).toMatchObject([{ settled: false }]);
  });

  it('ends a structured call (the Claude planner) the same way', async () => {
    server.enqueue(errors.stalledBody());
    const planning = activities().planBuild({
      buildId: 'b-stalled-plan',
      project: 'shop',
      repoPath: '.',
      specPath: 'SPEC.md',
      planner: 'claude',
    });
    const f = await within(10_000, failureOf(planning));
    expect(f.type).toBe(FailureClass.TIMEOUT);
    expect(f.nonRetryable).toBe(false);
  });
});
