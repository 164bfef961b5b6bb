import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import { createGitActivities } from '../../../activities/git';
import type { ResolveConflictInput } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { makeTestKey, testConfig } from '../../fixtures/claude';
import { useTempRepo } from '../../fixtures/repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { failureOf } from '../../helpers/failure';

const SONNET = 'claude-sonnet-5-5';
const RESOLVED = 'one\nfrom A\nfrom B\nthree\n';
const repo = useTempRepo();

describe('resolving a merge conflict in the merge worktree', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  const config = () => testConfig(server.url);
  const git = () => createGitActivities({ config: config() });
  const claude = () => createClaudeActivities({ db, config: config(), apiKey: key });
  const base = () => ({ repoPath: repo.dir, buildBranch: 'br-build/b1', buildId: 'b1' });

  /** ta and tb change the same line of src/a.txt; ta is merged, tb's merge conflicts. */
  async function conflicted(): Promise<ResolveConflictInput> {
    const g = git();
    await g.ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'main', buildBranch: 'br-build/b1' });
    const branches: Record<string, string> = {};
    for (const [id, line] of [
      ['ta', 'from A'],
      ['tb', 'from B'],
    ] as const) {
      const wt = await g.prepareWorktree({ ...base(), taskId: id, attempt: 1 });
      writeFileSync(path.join(wt.worktreePath, 'src/a.txt'), `one\n${line}\nthree\n`);
      await g.commitTask({
        worktreePath: wt.worktreePath,
        buildId: 'b1',
        taskId: id,
        model: SONNET,
        message: `Add ${line}`,
      });
      branches[id] = wt.branch;
    }
    await g.mergeTask({ ...base(), branch: branches.ta!, taskId: 'ta' });
    const failure = await failureOf(g.mergeTask({ ...base(), branch: branches.tb!, taskId: 'tb' }));
    expect(failure.type).toBe(FailureClass.MERGE_CONFLICT);
    expect(failure.details?.[0]).toMatchObject({ files: ['src/a.txt'] });
    return {
      ...base(),
      branch: branches.tb!,
      taskId: 'tb',
      model: SONNET,
      attempt: 1,
      intent: 'Say B on line two',
    };
  }

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('sends both sides and both intents, commits the answer that passes verification, and records its cost', async () => {
    const input = await conflicted();
    const tip = repo.git('rev-parse', 'br-build/b1');
    server.enqueue(
      toolUse(
        'resolve_conflict',
        { resolved: true, files: [{ path: 'src/a.txt', content: RESOLVED }] },
        { id: 'msg_resolve_1', usage: { input_tokens: 1000, output_tokens: 500 } },
      ),
    );
    const result = await claude().resolveConflict({ ...input, verifyCommand: 'grep -q "from B" src/a.txt' });

    expect(result).toMatchObject({ files: ['src/a.txt'], costUsd: '0.007' });
    expect(result.mergeCommit).toBe(repo.git('rev-parse', 'br-build/b1'));
    expect(repo.git('rev-parse', `${result.mergeCommit}^1`)).toBe(tip);
    expect(repo.git('show', 'br-build/b1:src/a.txt')).toBe(RESOLVED.trimEnd());
    expect(repo.git('log', '-1', '--format=%B', 'br-build/b1')).toContain(
      `Conflicts in src/a.txt resolved by ${SONNET}`,
    );
    const prompt = server.requests[0]!.body.messages[0].content as string;
    for (const text of [
      'from A',
      'from B',
      'Say B on line two',
      'Add from A',
      'Add from B',
      'one\ntwo\nthree',
    ])
      expect(prompt).toContain(text);
    const rows = await db.prisma.costEntry.findMany({ where: { idempotencyKey: 'msg_resolve_1' } });
    expect(rows).toMatchObject([
      { purpose: 'merge-resolution', buildId: 'b1', taskKey: 'tb', attempt: 1, model: SONNET },
    ]);
  });

  it('leaves the build branch as it was when the resolution fails verification, with the cost reported', async () => {
    const input = await conflicted();
    const tip = repo.git('rev-parse', 'br-build/b1');
    server.enqueue(
      toolUse('resolve_conflict', {
        resolved: true,
        files: [{ path: 'src/a.txt', content: 'one\nthree\n' }],
      }),
    );
    const result = await claude().resolveConflict({ ...input, verifyCommand: 'grep -q "from B" src/a.txt' });

    expect(result.mergeCommit).toBeNull();
    expect(result.reason).toMatch(/^Verification "grep -q "from B" src\/a.txt"/);
    expect(Number(result.costUsd)).toBeGreaterThan(0);
    expect(repo.git('rev-parse', 'br-build/b1')).toBe(tip);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('takes an answer still carrying conflict markers after its repair round as a give-up, both calls paid', async () => {
    const input = await conflicted();
    const marked = '<<<<<<< HEAD\nfrom A\n=======\nfrom B\n>>>>>>> tb\n';
    server.enqueue(
      toolUse('resolve_conflict', { resolved: true, files: [{ path: 'src/a.txt', content: marked }] }),
      toolUse('resolve_conflict', { resolved: true, files: [{ path: 'src/a.txt', content: marked }] }),
    );
    const result = await claude().resolveConflict(input);

    expect(result.mergeCommit).toBeNull();
    expect(result.reason).toContain('conflict markers');
    expect(server.requests).toHaveLength(2);
    expect(Number(result.costUsd)).toBeGreaterThan(0);
  });

  it("reports a give-up with the model's reason and never writes a file outside the conflicted ones", async () => {
    const input = await conflicted();
    server.enqueue(toolUse('resolve_conflict', { resolved: false, files: [], reason: 'A and B contradict' }));
    const result = await claude().resolveConflict(input);
    expect(result).toMatchObject({ mergeCommit: null, reason: 'The model gave up: A and B contradict' });

    server.enqueue(
      toolUse('resolve_conflict', {
        resolved: true,
        files: [{ path: '.git/hooks/pre-commit', content: 'x' }],
      }),
      toolUse('resolve_conflict', { resolved: true, files: [{ path: '../../outside', content: 'x' }] }),
    );
    const again = await claude().resolveConflict(input);
    expect(again.mergeCommit).toBeNull();
    expect(again.reason).toContain('not a conflicted file');
  });
});
