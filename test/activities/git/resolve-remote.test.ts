import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClaudeActivities } from '../../../activities/claude';
import { createGitActivities } from '../../../activities/git';
import { handOffWork } from '../../../activities/git/remote';
import { FailureClass } from '../../../lib/failures';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { makeTestKey, testConfig } from '../../fixtures/claude';
import { useTempRepo } from '../../fixtures/repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { failureOf } from '../../helpers/failure';

const BUILD = 'br/b1';
const SONNET = 'claude-sonnet-5-5';
const repo = useTempRepo();

describe('resolving a merge conflict of a remote build', () => {
  let server: FakeAnthropic;
  let db: TestDatabase;
  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('pushes the resolved merge to the remote build branch by compare-and-swap, from the worker that resolved it', async () => {
    const remoteDir = path.join(path.dirname(repo.dir), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remoteDir]);
    repo.git('remote', 'add', 'origin', remoteDir);
    repo.git('push', '-q', 'origin', 'main');
    const url = pathToFileURL(remoteDir).href;
    const cacheDir = path.join(path.dirname(repo.dir), 'worker', 'cache');
    mkdirSync(cacheDir, { recursive: true });
    const config = testConfig(server.url);
    const git = createGitActivities({ config, cacheDir });
    const on = { repoPath: '/nonexistent/checkout', buildBranch: BUILD, buildId: 'b1', repoUrl: url };
    await git.ensureBuildBranch({ ...on, baseBranch: 'main' });
    const branches: Record<string, string> = {};
    for (const [id, line] of [
      ['ta', 'from A'],
      ['tb', 'from B'],
    ] as const) {
      const wt = await git.prepareWorktree({ ...on, taskId: id, attempt: 1 });
      writeFileSync(path.join(wt.worktreePath, 'src/a.txt'), `one\n${line}\nthree\n`);
      const remote = { url, branch: wt.branch, buildId: 'b1', taskId: id };
      await handOffWork(remote, cacheDir);
      await git.commitTask({
        worktreePath: wt.worktreePath,
        buildId: 'b1',
        taskId: id,
        model: SONNET,
        message: `Add ${line}`,
        remote,
      });
      branches[id] = wt.branch;
    }
    await git.mergeTask({ ...on, branch: branches.ta!, taskId: 'ta' });
    const conflict = await failureOf(git.mergeTask({ ...on, branch: branches.tb!, taskId: 'tb' }));
    expect(conflict.type).toBe(FailureClass.MERGE_CONFLICT);

    server.enqueue(
      toolUse('resolve_conflict', {
        resolved: true,
        files: [{ path: 'src/a.txt', content: 'one\nfrom A\nfrom B\nthree\n' }],
      }),
    );
    const claude = createClaudeActivities({ db, config, apiKey: makeTestKey(), cacheDir });
    const result = await claude.resolveConflict({
      ...on,
      branch: branches.tb!,
      taskId: 'tb',
      model: SONNET,
      attempt: 1,
      intent: 'B',
    });

    const remoteGit = (...args: string[]) =>
      execFileSync('git', args, { cwd: remoteDir, encoding: 'utf8' }).trim();
    expect(result.mergeCommit).toBe(remoteGit('rev-parse', BUILD));
    expect(remoteGit('show', `${BUILD}:src/a.txt`)).toBe('one\nfrom A\nfrom B\nthree');
    expect(Number(result.costUsd)).toBeGreaterThan(0);
  });
});
