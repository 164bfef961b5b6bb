import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDeliveryActivities } from '../../../activities/delivery';
import type { DeliverBuildInput } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { failureOf } from '../../helpers/failure';
import { useTempRepo } from '../../fixtures/repo';

const repo = useTempRepo();
const BUILD = 'br/build-demo';

function input(extra: Partial<DeliverBuildInput> = {}): DeliverBuildInput {
  return {
    mode: 'merge',
    buildId: 'build-demo',
    repoPath: repo.dir,
    baseBranch: 'main',
    buildBranch: BUILD,
    ...extra,
  };
}

/** The build branch with one commit on top of main, the checkout back on main. */
function buildBranch(files: Record<string, string> = { 'src/new.txt': 'from the build\n' }): string {
  repo.git('switch', '-q', '-c', BUILD);
  for (const [f, c] of Object.entries(files)) repo.write(f, c);
  const tip = repo.commitAll('task work');
  repo.git('switch', '-q', 'main');
  return tip;
}

const deliver = (i: DeliverBuildInput = input()) =>
  createDeliveryActivities({ cacheDir: path.join(path.dirname(repo.dir), 'cache') }).deliverBuild(i);

describe('delivery by merge into a repository on this machine', () => {
  it('fast-forwards main in its clean checkout, with no hook run, and says where', async () => {
    const tip = buildBranch();
    const marker = path.join(path.dirname(repo.dir), 'hook-ran');
    const hook = path.join(repo.dir, '.git/hooks/post-merge');
    writeFileSync(hook, `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(hook, 0o755);
    const result = await deliver();
    expect(result).toEqual({ how: 'fast-forward', commit: tip, where: 'checkout', checkout: repo.dir });
    expect(repo.git('rev-parse', 'main')).toBe(tip);
    expect(readFileSync(path.join(repo.dir, 'src/new.txt'), 'utf8')).toBe('from the build\n');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(existsSync(marker)).toBe(false);
  });

  it('makes a merge commit when main moved on, and moves only the branch when nothing has it checked out', async () => {
    const tip = buildBranch();
    repo.write('README.md', '# demo, edited on main\n');
    const mainTip = repo.commitAll('meanwhile on main');
    repo.git('switch', '-q', '-c', 'elsewhere');
    const result = await deliver();
    expect(result).toMatchObject({ how: 'merge-commit', where: 'branch' });
    expect(repo.git('rev-parse', 'main')).toBe(result.commit);
    expect(repo.git('rev-list', '--parents', '-n', '1', 'main').split(' ').slice(1)).toEqual([mainTip, tip]);
    expect(repo.git('log', '-1', '--format=%s%n%b', 'main')).toContain(`Merge ${BUILD} into main`);
    expect(repo.git('log', '-1', '--format=%B', 'main')).toContain('BuildRunner-Build: build-demo');
    expect(repo.git('show', 'main:src/new.txt')).toBe('from the build');
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('elsewhere');
  });

  it('refuses a conflict with the files named, and changes nothing', async () => {
    buildBranch({ 'src/a.txt': 'build side\n' });
    repo.write('src/a.txt', 'main side\n');
    const mainTip = repo.commitAll('conflicting edit on main');
    const f = await failureOf(deliver());
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain(`Merging ${BUILD} into main conflicts in src/a.txt; nothing was changed`);
    expect(f.details[0].files).toEqual(['src/a.txt']);
    expect(repo.git('rev-parse', 'main')).toBe(mainTip);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('rev-list', '--all', '--merges')).toBe('');
  });

  it('refuses when main is checked out with uncommitted changes, and leaves them as they were', async () => {
    buildBranch();
    const mainTip = repo.git('rev-parse', 'main');
    repo.write('src/b.txt', 'my unsaved edit\n');
    repo.write('src/a.txt', 'staged edit\n');
    repo.git('add', 'src/a.txt');
    const f = await failureOf(deliver());
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.message).toContain(
      `main is checked out at ${repo.dir} with uncommitted changes (src/a.txt, src/b.txt)`,
    );
    expect(f.message).toContain(
      `Commit or stash there, then merge the build yourself: git -C ${repo.dir} merge ${BUILD}`,
    );
    expect(repo.git('rev-parse', 'main')).toBe(mainTip);
    expect(readFileSync(path.join(repo.dir, 'src/b.txt'), 'utf8')).toBe('my unsaved edit\n');
    expect(repo.git('diff', '--cached', '--name-only')).toBe('src/a.txt');
    expect(existsSync(path.join(repo.dir, 'src/new.txt'))).toBe(false);
  });

  it('refuses, touching nothing, when the move would overwrite an untracked file of the checkout', async () => {
    buildBranch();
    const mainTip = repo.git('rev-parse', 'main');
    repo.write('src/new.txt', 'mine, untracked\n');
    const f = await failureOf(deliver());
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.message).toContain(
      `Git refused to move main in its checkout ${repo.dir}; nothing was changed there.`,
    );
    expect(repo.git('rev-parse', 'main')).toBe(mainTip);
    expect(readFileSync(path.join(repo.dir, 'src/new.txt'), 'utf8')).toBe('mine, untracked\n');
  });

  it('refuses, touching nothing, when the move would overwrite a file of the checkout that git ignores', async () => {
    repo.write('.gitignore', 'local.env\n');
    repo.commitAll('ignore local.env');
    repo.git('switch', '-q', '-c', BUILD);
    repo.write('local.env', 'from the build\n');
    repo.git('add', '-f', 'local.env');
    repo.git('commit', '-q', '--no-verify', '-m', 'a tracked local.env');
    repo.git('switch', '-q', 'main');
    const mainTip = repo.git('rev-parse', 'main');
    repo.write('local.env', 'my secret settings\n');
    const f = await failureOf(deliver());
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(repo.git('rev-parse', 'main')).toBe(mainTip);
    expect(readFileSync(path.join(repo.dir, 'local.env'), 'utf8')).toBe('my secret settings\n');
  });

  it('merges once when the activity runs twice: the retry finds main holding the build', async () => {
    buildBranch();
    repo.write('README.md', '# moved\n');
    repo.commitAll('main moved');
    const first = await deliver();
    const second = await deliver();
    expect(first.how).toBe('merge-commit');
    expect(second).toEqual({ ...first, how: 'already-merged' });
    expect(repo.git('rev-list', '--merges', 'main').split('\n')).toHaveLength(1);
    expect(repo.git('rev-parse', 'main')).toBe(first.commit);
  });

  it('fails BASE_BRANCH_MISSING for a base branch that is gone', async () => {
    buildBranch();
    const f = await failureOf(deliver(input({ baseBranch: 'release' })));
    expect(f.type).toBe(FailureClass.BASE_BRANCH_MISSING);
  });
});

describe('delivery by merge of a remote build', () => {
  it('pushes the merged base to the remote with a lease, leaves the local checkout alone, and merges once on retry', async () => {
    const base = path.dirname(repo.dir);
    const remoteDir = path.join(base, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remoteDir]);
    repo.git('remote', 'add', 'origin', remoteDir);
    const tip = buildBranch();
    repo.write('README.md', '# moved\n');
    repo.commitAll('main moved');
    repo.git('push', '-q', 'origin', 'main', BUILD);
    const localMain = repo.git('rev-parse', 'main');
    const remote = (...args: string[]) =>
      execFileSync('git', args, { cwd: remoteDir, encoding: 'utf8', stdio: 'pipe' }).trim();
    const url = pathToFileURL(remoteDir).href;
    const first = await deliver(input({ repoUrl: url }));
    expect(first).toMatchObject({ how: 'merge-commit', where: 'remote' });
    expect(remote('rev-parse', 'main')).toBe(first.commit);
    expect(remote('rev-list', '--parents', '-n', '1', 'main').split(' ')[2]).toBe(tip);
    const again = await deliver(input({ repoUrl: url }));
    expect(again).toEqual({ ...first, how: 'already-merged' });
    expect(remote('rev-list', '--merges', 'main').split('\n')).toHaveLength(1);
    expect(repo.git('rev-parse', 'main')).toBe(localMain);
  });
});
