import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitActivities, sweepOrphans } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { FailureClass } from '../../../lib/failures';
import { failureOf } from '../../helpers/failure';
import { useTempRepo } from '../../fixtures/repo';

// Real git and its hooks in the bubblewrap sandbox:
// seconds per test alone, over jest's default 30 s at a load average of 20-36 on 2 cores, where
// tests that would have passed failed on the timeout alone.
jest.setTimeout(120_000);

const activities = createGitActivities({ config: parseConfig({}) });
const repo = useTempRepo();

async function startTask(taskId: string, attempt = 1) {
  return activities.prepareWorktree({
    buildId: 'b1',
    taskId,
    attempt,
    repoPath: repo.dir,
    buildBranch: 'br-build/b1',
  });
}

async function commitIn(worktreePath: string, taskId: string) {
  return activities.commitTask({
    worktreePath,
    buildId: 'b1',
    taskId,
    model: 'claude-test',
    message: `Task ${taskId}`,
  });
}

describe('git activities', () => {
  beforeEach(async () => {
    await activities.ensureBuildBranch({
      repoPath: repo.dir,
      baseBranch: 'main',
      buildBranch: 'br-build/b1',
    });
  });

  it('creates a task worktree and branch from the build branch tip, git-ignored and idempotent on retry', async () => {
    const first = await startTask('t1');
    expect(first.branch).toBe('br/tasks/b1/t1-a1');
    expect(first.worktreePath).toBe(path.join(repo.dir, '.buildrunner/worktrees/b1/t1'));
    expect(first.baseCommit).toBe(repo.git('rev-parse', 'br-build/b1'));
    expect(readFileSync(path.join(first.worktreePath, 'src/a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(repo.git('status', '--porcelain')).toBe('');
    const again = await startTask('t1');
    expect(again).toEqual(first);
  });

  it('commits as BuildRunner with build, task and model trailers, and returns null when nothing changed', async () => {
    const wt = await startTask('t1');
    expect(await commitIn(wt.worktreePath, 't1')).toEqual({ commit: null });
    writeFileSync(path.join(wt.worktreePath, 'src/new.txt'), 'hello\n');
    const { commit } = await commitIn(wt.worktreePath, 't1');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const log = repo.git('log', '-1', '--format=%an <%ae>%n%B', commit!);
    expect(log).toContain('BuildRunner <buildrunner@localhost>');
    expect(log).toContain('BuildRunner-Build: b1\nBuildRunner-Task: t1\nBuildRunner-Model: claude-test');
    expect(await commitIn(wt.worktreePath, 't1')).toEqual({ commit });
  });

  it('returns a hook rejection as HOOK_REJECTED carrying the hook output', async () => {
    const hook = path.join(repo.dir, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "lint: src/new.txt:1 trailing whitespace" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const wt = await startTask('t1');
    writeFileSync(path.join(wt.worktreePath, 'src/new.txt'), 'hello \n');
    const failure = await failureOf(commitIn(wt.worktreePath, 't1'));
    expect(failure.type).toBe(FailureClass.HOOK_REJECTED);
    expect((failure.details?.[0] as { output: string }).output).toContain(
      'src/new.txt:1 trailing whitespace',
    );
  });

  it('merges two tasks editing different files cleanly without touching the user checkout', async () => {
    const a = await startTask('ta');
    const b = await startTask('tb');
    writeFileSync(path.join(a.worktreePath, 'src/a.txt'), 'one\nTWO\nthree\n');
    writeFileSync(path.join(b.worktreePath, 'src/b.txt'), 'alpha\nBETA\n');
    await commitIn(a.worktreePath, 'ta');
    await commitIn(b.worktreePath, 'tb');
    const input = { repoPath: repo.dir, buildBranch: 'br-build/b1', buildId: 'b1' };
    const m1 = await activities.mergeTask({ ...input, branch: a.branch, taskId: 'ta' });
    const m2 = await activities.mergeTask({ ...input, branch: b.branch, taskId: 'tb' });
    expect(repo.git('rev-parse', 'br-build/b1')).toBe(m2.mergeCommit);
    expect(repo.git('rev-list', '--count', '--merges', `${m1.mergeCommit}^..${m2.mergeCommit}`)).toBe('2');
    expect(repo.git('show', 'br-build/b1:src/a.txt')).toBe('one\nTWO\nthree');
    expect(repo.git('show', 'br-build/b1:src/b.txt')).toBe('alpha\nBETA');
    expect(repo.git('log', '-1', '--format=%B', m2.mergeCommit)).toContain('BuildRunner-Task: tb');
    expect(repo.git('branch', '--show-current')).toBe('main');
    expect(readFileSync(path.join(repo.dir, 'src/a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(repo.git('status', '--porcelain')).toBe('');
    const again = await activities.mergeTask({ ...input, branch: b.branch, taskId: 'tb' });
    expect(again.mergeCommit).toBe(m2.mergeCommit);
  });

  it('fails with MERGE_CONFLICT listing the file and leaves the build branch unchanged when tasks edit the same lines', async () => {
    const a = await startTask('ta');
    const b = await startTask('tb');
    writeFileSync(path.join(a.worktreePath, 'src/a.txt'), 'one\nfrom A\nthree\n');
    writeFileSync(path.join(b.worktreePath, 'src/a.txt'), 'one\nfrom B\nthree\n');
    await commitIn(a.worktreePath, 'ta');
    await commitIn(b.worktreePath, 'tb');
    const input = { repoPath: repo.dir, buildBranch: 'br-build/b1', buildId: 'b1' };
    await activities.mergeTask({ ...input, branch: a.branch, taskId: 'ta' });
    const tip = repo.git('rev-parse', 'br-build/b1');
    const failure = await failureOf(activities.mergeTask({ ...input, branch: b.branch, taskId: 'tb' }));
    expect(failure.type).toBe(FailureClass.MERGE_CONFLICT);
    expect((failure.details?.[0] as { output: string }).output).toContain('src/a.txt');
    expect(repo.git('rev-parse', 'br-build/b1')).toBe(tip);
    const mergeDir = path.join(repo.dir, '.buildrunner/worktrees/b1/.merge');
    expect(repo.git('-C', mergeDir, 'status', '--porcelain')).toBe('');

    // The task is redone on the updated base and then merges.
    await activities.cleanupTask({ repoPath: repo.dir, worktreePath: b.worktreePath, branch: b.branch });
    const redo = await startTask('tb', 2);
    expect(redo.baseCommit).toBe(tip);
    writeFileSync(path.join(redo.worktreePath, 'src/a.txt'), 'one\nfrom A\nthree\nand B\n');
    await commitIn(redo.worktreePath, 'tb');
    await activities.mergeTask({ ...input, branch: redo.branch, taskId: 'tb' });
    expect(repo.git('show', 'br-build/b1:src/a.txt')).toBe('one\nfrom A\nthree\nand B');
  });

  it('never interleaves concurrent merges into one build branch', async () => {
    const tasks = await Promise.all(['t1', 't2', 't3', 't4'].map((id) => startTask(id)));
    for (const [i, t] of tasks.entries()) {
      writeFileSync(path.join(t.worktreePath, `src/f${i}.txt`), `${i}\n`);
      await commitIn(t.worktreePath, `t${i + 1}`);
    }
    const input = { repoPath: repo.dir, buildBranch: 'br-build/b1', buildId: 'b1' };
    await Promise.all(
      tasks.map((t, i) => activities.mergeTask({ ...input, branch: t.branch, taskId: `t${i + 1}` })),
    );
    const files = repo.git('ls-tree', '--name-only', 'br-build/b1', 'src/').split('\n');
    expect(files).toEqual(expect.arrayContaining(['src/f0.txt', 'src/f1.txt', 'src/f2.txt', 'src/f3.txt']));
    // Four worktrees, commits and serialised merges spawn dozens of git processes: slow on a loaded machine.
  }, 90_000);

  it('removes the worktree and branch when a task ends', async () => {
    const wt = await startTask('t1');
    await activities.cleanupTask({ repoPath: repo.dir, worktreePath: wt.worktreePath, branch: wt.branch });
    expect(existsSync(wt.worktreePath)).toBe(false);
    expect(repo.git('branch', '--list', 'br/*')).toBe('');
    expect(repo.git('worktree', 'list')).not.toContain('t1');
    await activities.cleanupTask({ repoPath: repo.dir, worktreePath: wt.worktreePath, branch: wt.branch });
  });

  it('sweeps worktrees and branches orphaned by a crash, keeping those of active builds', async () => {
    const crashed = await startTask('t1');
    const deleted = await startTask('t2');
    await activities.prepareWorktree({
      buildId: 'live',
      taskId: 't9',
      attempt: 1,
      repoPath: repo.dir,
      buildBranch: 'br-build/b1',
    });
    // A crash that lost the folder but left git's bookkeeping and the branch behind.
    repo.git('worktree', 'lock', deleted.worktreePath);
    rmSync(deleted.worktreePath, { recursive: true, force: true });
    const result = await sweepOrphans(repo.dir, { activeBuildIds: ['live'] });
    expect(result.removedBranches.sort()).toEqual(['br/tasks/b1/t1-a1', 'br/tasks/b1/t2-a1']);
    expect(existsSync(crashed.worktreePath)).toBe(false);
    expect(repo.git('worktree', 'list', '--porcelain')).not.toContain('/b1/');
    expect(repo.git('for-each-ref', '--format=%(refname:short)', 'refs/heads/br/')).toBe(
      'br/tasks/live/t9-a1',
    );
    expect(await sweepOrphans(repo.dir, { olderThanMs: 60_000 })).toEqual({
      removedWorktrees: [],
      removedBranches: [],
    });
  });

  it('runs the verify command without a shell and fails with VERIFICATION_FAILED and its output', async () => {
    const wt = await startTask('t1');
    await activities.verifyTask({
      worktreePath: wt.worktreePath,
      command: 'git diff --quiet',
      timeoutSeconds: 10,
    });
    const failed = await failureOf(
      activities.verifyTask({
        worktreePath: wt.worktreePath,
        command: `node -e "console.error('2 tests failed'); process.exit(3)"`,
        timeoutSeconds: 10,
      }),
    );
    expect(failed.type).toBe(FailureClass.VERIFICATION_FAILED);
    expect((failed.details?.[0] as { output: string }).output).toMatch(
      /2 tests failed[\s\S]*exited with code 3/,
    );
    const slow = await failureOf(
      activities.verifyTask({
        worktreePath: wt.worktreePath,
        command: 'node -e "setTimeout(()=>{},5000)"',
        timeoutSeconds: 1,
      }),
    );
    expect((slow.details?.[0] as { output: string }).output).toContain('timed out after 1s');
  });

  it('marks delivered features complete on the build branch with a regenerated STATUS.md', async () => {
    const original = JSON.stringify({
      version: 2,
      features: [
        { id: 'login', title: 'Login', updatedAt: '2024-01-01T00:00:00.000Z' },
        { id: 'F001', title: 'Design System', priority: 'critical', updatedAt: '2024-01-01T00:00:00.000Z' },
        { id: 'F002', title: 'Search', updatedAt: '2024-01-01T00:00:00.000Z' },
      ],
    });
    repo.write('.buildrunner/features.json', original);
    repo.commitAll('features');
    repo.git('branch', '-f', 'br-build/b1', 'main');
    await activities.markFeaturesDelivered({
      repoPath: repo.dir,
      buildBranch: 'br-build/b1',
      featureIds: ['login', 'design-system', 'unknown'],
      buildId: 'b1',
    });
    const json = JSON.parse(repo.git('show', 'br-build/b1:.buildrunner/features.json'));
    expect(json.features.map((f: { id: string; status: string }) => [f.id, f.status])).toEqual([
      ['login', 'complete'],
      ['F001', 'complete'],
      ['F002', 'planned'],
    ]);
    expect(repo.git('show', 'br-build/b1:STATUS.md')).toContain('2/3 features complete');
    expect(readFileSync(path.join(repo.dir, '.buildrunner/features.json'), 'utf8')).toBe(original);
  });
});
