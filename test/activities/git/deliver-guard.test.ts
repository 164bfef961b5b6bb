import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createDeliveryActivities } from '../../../activities/delivery';
import type { DeliverBuildInput } from '../../../lib/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { FailureClass } from '../../../lib/failures';
import { failureOf } from '../../helpers/failure';
import { useTempRepo } from '../../fixtures/repo';

/**
 * Merge delivery into the user's own repository, where moving the base branch must never lose their
 * work or leave a checkout of it behind (activities/git/deliver-guard.ts). Each refusal changes nothing.
 */
const repo = useTempRepo();
const BUILD = 'br/build-demo';
const input = (): DeliverBuildInput => ({
  mode: 'merge',
  buildId: 'build-demo',
  repoPath: repo.dir,
  baseBranch: 'main',
  buildBranch: BUILD,
});
const deliver = () =>
  createDeliveryActivities({ cacheDir: path.join(path.dirname(repo.dir), 'cache') }).deliverBuild(input());

function buildBranch(files: Record<string, string> = { 'src/new.txt': 'from the build\n' }): string {
  repo.git('switch', '-q', '-c', BUILD);
  for (const [f, c] of Object.entries(files)) repo.write(f, c);
  const tip = repo.commitAll('task work');
  repo.git('switch', '-q', 'main');
  return tip;
}

async function refusedWith(text: string): Promise<void> {
  const f = await failureOf(deliver());
  expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
  expect(f.message).toContain(text);
  expect(f.message).toContain('nothing was changed');
}

describe('merge delivery refuses to move the base branch under a checkout git does not list as holding it', () => {
  it('main being rebased (HEAD detached): main stays where the rebase will put it back', async () => {
    buildBranch();
    repo.git('switch', '-q', '-c', 'side');
    repo.write('src/a.txt', 'side\n');
    repo.commitAll('side');
    repo.git('switch', '-q', 'main');
    repo.write('src/a.txt', 'main\n');
    const before = repo.commitAll('main edit');
    expect(() => repo.git('rebase', 'side')).toThrow(); // stops on the conflict, main detached
    await refusedWith(`main is being rebased or bisected at ${repo.dir}`);
    expect(repo.git('rev-parse', 'main')).toBe(before);
  });

  it('main being bisected', async () => {
    for (const n of ['1', '2', '3']) {
      repo.write(`src/n${n}.txt`, n);
      repo.commitAll(`commit ${n}`);
    }
    buildBranch();
    const before = repo.git('rev-parse', 'main');
    repo.git('bisect', 'start', 'main', 'main~3');
    expect(repo.git('rev-parse', 'HEAD')).not.toBe(before);
    await refusedWith('main is being rebased or bisected');
    expect(repo.git('rev-parse', 'main')).toBe(before);
  });

  it('main a symbolic ref to the checked-out trunk: trunk is not moved under its checkout', async () => {
    buildBranch();
    repo.git('branch', '-m', 'main', 'trunk');
    repo.git('symbolic-ref', 'refs/heads/main', 'refs/heads/trunk');
    const before = repo.git('rev-parse', 'trunk');
    await refusedWith('The base branch "main" is a symbolic ref (to refs/heads/trunk)');
    expect(repo.git('rev-parse', 'trunk')).toBe(before);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('main checked out in two worktrees (worktree add -f): neither is left behind', async () => {
    buildBranch();
    const other = path.join(path.dirname(repo.dir), 'other');
    repo.git('worktree', 'add', '-q', '-f', other, 'main');
    const before = repo.git('rev-parse', 'main');
    await refusedWith(`main is checked out in 2 places (${repo.dir}, ${other})`);
    expect(repo.git('rev-parse', 'main')).toBe(before);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: other, encoding: 'utf8' })).toBe('');
  });
});

describe('merge delivery and a checkout of main that is not there now', () => {
  it('refuses as git does (branch -f), until the worktree is pruned; then delivers', async () => {
    const tip = buildBranch();
    repo.git('switch', '-q', '-c', 'elsewhere');
    const other = path.join(path.dirname(repo.dir), 'usb-drive');
    repo.git('worktree', 'add', '-q', other, 'main');
    execFileSync('rm', ['-rf', other]);
    const before = repo.git('rev-parse', 'main');
    await refusedWith(`main is checked out at ${other}, which is not there now`);
    expect(repo.git('rev-parse', 'main')).toBe(before);
    repo.git('worktree', 'prune');
    await expect(deliver()).resolves.toMatchObject({ how: 'fast-forward', commit: tip, where: 'branch' });
  });
});

describe('merge delivery never deletes work git does not show', () => {
  it('a build that puts a file where the checkout has a submodule with work in it: the work stays', async () => {
    const env = {
      ...repo.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@b',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@b',
    };
    const src = mkdtempSync(path.join(path.dirname(repo.dir), 'sub-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: src, env });
    writeFileSync(path.join(src, 'x'), 'x\n');
    execFileSync('git', ['add', '.'], { cwd: src, env });
    execFileSync('git', ['commit', '-qm', 'x'], { cwd: src, env });
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', src, 'sub');
    repo.commitAll('a submodule');
    repo.git('switch', '-q', '-c', BUILD);
    repo.git('rm', '-q', '-r', '--cached', 'sub');
    execFileSync('rm', ['-rf', path.join(repo.dir, 'sub')]);
    repo.write('sub', 'a file now\n');
    repo.commitAll('the submodule replaced by a file');
    repo.git('switch', '-q', 'main');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'update', '--init', '-q');
    writeFileSync(path.join(repo.dir, 'sub', 'work.txt'), 'my work, untracked in the submodule\n');
    const before = repo.git('rev-parse', 'main');
    await refusedWith('would replace the submodule sub');
    expect(repo.git('rev-parse', 'main')).toBe(before);
    expect(readFileSync(path.join(repo.dir, 'sub', 'work.txt'), 'utf8')).toBe(
      'my work, untracked in the submodule\n',
    );
  });

  it('held: an assume-unchanged or skip-worktree file the user edited is refused, not overwritten', async () => {
    buildBranch({ 'src/a.txt': 'build\n', 'src/b.txt': 'build\n' });
    repo.git('update-index', '--assume-unchanged', 'src/a.txt');
    repo.git('update-index', '--skip-worktree', 'src/b.txt');
    repo.write('src/a.txt', 'mine a\n');
    repo.write('src/b.txt', 'mine b\n');
    await refusedWith('Git refused to move main');
    expect(readFileSync(path.join(repo.dir, 'src/a.txt'), 'utf8')).toBe('mine a\n');
    expect(readFileSync(path.join(repo.dir, 'src/b.txt'), 'utf8')).toBe('mine b\n');
  });

  it('held: a symlink out of the repository the build later replaces by a folder is never written through', async () => {
    const outside = path.join(path.dirname(repo.dir), 'outside');
    mkdirSync(outside);
    repo.git('switch', '-q', '-c', BUILD);
    symlinkSync(outside, path.join(repo.dir, 'link'));
    repo.commitAll('a link out');
    repo.git('rm', '-q', 'link');
    repo.write('link/file', 'x');
    const tip = repo.commitAll('a folder where the link was');
    repo.git('switch', '-q', 'main');
    await expect(deliver()).resolves.toMatchObject({ how: 'fast-forward', commit: tip });
    expect(existsSync(path.join(outside, 'file'))).toBe(false);
  });
});

describe('merge delivery when the user commits on the base while it runs', () => {
  const realPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = realPath;
  });

  it('the fast-forward fails, the user commit stays, and the retry merges onto it', async () => {
    const tip = buildBranch();
    // A git on PATH that lets the user commit on main just before the worker's fast-forward runs.
    const bin = mkdtempSync(path.join(path.dirname(repo.dir), 'bin-'));
    const mark = path.join(bin, 'done');
    writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\ncase "$*" in *"merge --ff-only"*) [ -f ${mark} ] || { touch ${mark}; ` +
        `/usr/bin/git -c core.hooksPath=/dev/null -c user.name=u -c user.email=u@x commit -q --allow-empty -m "user commit"; } ;; esac\n` +
        'exec /usr/bin/git "$@"\n',
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}:${realPath}`;
    const err = await deliver().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure); // Temporal retries it
    expect((err as Error).message).toContain('main moved while the build was being delivered');
    const userCommit = repo.git('rev-parse', 'main');
    expect(repo.git('log', '-1', '--format=%s', 'main')).toBe('user commit');
    const retried = await deliver();
    expect(retried).toMatchObject({ how: 'merge-commit', where: 'checkout' });
    expect(repo.git('rev-list', '--parents', '-n', '1', 'main').split(' ').slice(1)).toEqual([
      userCommit,
      tip,
    ]);
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});

describe('merge delivery when the user switches branches in the checkout while it runs', () => {
  const realPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = realPath;
  });

  it('never reports the base delivered when the fast-forward moved the branch the user switched to', async () => {
    buildBranch();
    const before = repo.git('rev-parse', 'main');
    const bin = mkdtempSync(path.join(path.dirname(repo.dir), 'bin-'));
    writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\ncase "$*" in *"merge --ff-only"*) /usr/bin/git switch -q -c feature ;; esac\n` +
        'exec /usr/bin/git "$@"\n',
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}:${realPath}`;
    const f = await failureOf(deliver());
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.message).toContain(`left main for feature while the build was being delivered`);
    expect(repo.git('rev-parse', 'main')).toBe(before);
  });
});
