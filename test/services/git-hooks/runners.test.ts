import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installHooks } from '../../../services/git-hooks/install';
import { parsePushInput } from '../../../services/git-hooks/pre-push';
import { runPostCommit, runPreCommit, runPrePush } from '../../../services/git-hooks/run';
import { useTempRepo } from '../../fixtures/repo';
import { BR_BIN, featuresJson, gitIn, gitWithHooks } from '../../fixtures/hooks';

jest.setTimeout(60_000);

const ZERO = '0'.repeat(40);
const repo = useTempRepo();

describe('pre-push input', () => {
  it('parses updates, new branches and deletions from git stdin lines', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const updates = parsePushInput(
      `refs/heads/main ${a} refs/heads/main ${b}\nrefs/heads/feat ${a} refs/heads/feat ${ZERO}\n(delete) ${ZERO} refs/heads/old ${b}\n\n`,
    );
    expect(updates.map((u) => [u.remoteRef, u.newRef, u.deletion])).toEqual([
      ['refs/heads/main', false, false],
      ['refs/heads/feat', true, false],
      ['refs/heads/old', false, true],
    ]);
    expect(() => parsePushInput('refs/heads/main notasha refs/heads/main x\n')).toThrow(
      /Unexpected pre-push input/,
    );
  });

  it('checks a new branch, skips a deletion, and follows the config switch', () => {
    repo.write('.buildrunner/features.json', featuresJson([{ id: 'core', required: true }]));
    const sha = repo.commitAll('features');
    const newBranch = runPrePush(repo.dir, `refs/heads/main ${sha} refs/heads/main ${ZERO}\n`);
    expect(newBranch.ok).toBe(false);
    expect(newBranch.report).toContain(
      '.buildrunner/features.json:5: core is planned (pushing to refs/heads/main)',
    );
    expect(runPrePush(repo.dir, `(delete) ${ZERO} refs/heads/main ${sha}\n`).ok).toBe(true);
    expect(runPrePush(repo.dir, '').ok).toBe(true);
    repo.write(
      'buildrunner.config.json',
      JSON.stringify({ hooks: { blockPushOnIncompleteRequired: false } }),
    );
    expect(runPrePush(repo.dir, `refs/heads/main ${sha} refs/heads/main ${ZERO}\n`).ok).toBe(true);
  });

  it('lets a branch deletion through the installed hook even while a required feature is incomplete', () => {
    const remote = path.join(path.dirname(repo.dir), 'remote.git');
    gitIn(repo, path.dirname(repo.dir), 'init', '-q', '--bare', remote);
    gitIn(repo, repo.dir, 'remote', 'add', 'origin', remote);
    gitIn(repo, repo.dir, 'push', '-q', 'origin', 'main:refs/heads/old');
    repo.write('.buildrunner/features.json', featuresJson([{ id: 'core', required: true }]));
    repo.commitAll('features');
    installHooks(repo.dir, { brBin: BR_BIN });
    expect(gitWithHooks(repo, ['push', 'origin', 'main:refs/heads/fresh']).code).not.toBe(0);
    const deletion = gitWithHooks(repo, ['push', 'origin', ':refs/heads/old']);
    expect(deletion.code).toBe(0);
    expect(gitIn(repo, repo.dir, 'ls-remote', remote)).toBe('');
  });
});

describe('pre-commit and post-commit runners', () => {
  it('blocks on a failing quality command with its output and passes when it succeeds', async () => {
    repo.write(
      'buildrunner.config.json',
      JSON.stringify({
        hooks: { qualityCommands: [`node -e "console.log('lint: 2 problems'); process.exit(4)"`] },
      }),
    );
    const failed = await runPreCommit(repo.dir);
    expect(failed.ok).toBe(false);
    expect(failed.report).toContain('exited with code 4');
    expect(failed.report).toContain('lint: 2 problems');
    expect(failed.report).toContain('git commit --no-verify');
    repo.write('buildrunner.config.json', JSON.stringify({ hooks: { qualityCommands: ['node -e 0'] } }));
    expect(await runPreCommit(repo.dir)).toEqual({ ok: true, report: '' });
  });

  it('post-commit never fails the commit, even with a broken features.json, and does not commit STATUS.md', () => {
    repo.write('.buildrunner/features.json', '{ "features": [ }');
    const head = repo.commitAll('broken');
    const outcome = runPostCommit(repo.dir);
    expect(outcome.ok).toBe(true);
    expect(outcome.report).toContain('could not regenerate STATUS.md');
    expect(existsSync(path.join(repo.dir, 'STATUS.md'))).toBe(false);
    expect(gitIn(repo, repo.dir, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('the installed post-commit hook does nothing when it is already running (no re-trigger)', () => {
    repo.write('.buildrunner/features.json', featuresJson([{ id: 'a' }]));
    repo.commitAll('features');
    installHooks(repo.dir, { brBin: BR_BIN });
    const shim = readFileSync(path.join(repo.dir, '.git/hooks/post-commit'), 'utf8');
    expect(shim).toContain('|| true');
    repo.write('x.txt', 'x\n');
    gitIn(repo, repo.dir, 'add', 'x.txt');
    expect(gitWithHooks(repo, ['commit', '-q', '-m', 'x'], { BR_POST_COMMIT_RUNNING: '1' }).code).toBe(0);
    expect(existsSync(path.join(repo.dir, 'STATUS.md'))).toBe(false);
    writeFileSync(path.join(repo.dir, 'y.txt'), 'y\n');
    gitIn(repo, repo.dir, 'add', 'y.txt');
    expect(gitWithHooks(repo, ['commit', '-q', '-m', 'y']).code).toBe(0);
    expect(readFileSync(path.join(repo.dir, 'STATUS.md'), 'utf8')).toContain('0/1 features complete');
    expect(gitIn(repo, repo.dir, 'status', '--porcelain', '--', 'STATUS.md')).toBe('?? STATUS.md');
  });
});
