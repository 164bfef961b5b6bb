import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { FailureClass } from '../../../lib/failures';
import { installHooks, uninstallHooks, hooksStatus } from '../../../services/git-hooks/install';
import { useTempRepo } from '../../fixtures/repo';
import { BR_BIN, fakeGithubToken, featuresJson, gitIn, gitWithHooks } from '../../fixtures/hooks';

jest.setTimeout(90_000);

const repo = useTempRepo();

describe('BuildRunner git hooks in a real repository', () => {
  it('blocks a commit adding a fake key with file and line, passes a clean commit and regenerates STATUS.md after it', () => {
    repo.write(
      '.buildrunner/features.json',
      featuresJson([{ id: 'login', status: 'complete' }, { id: 'signup' }]),
    );
    repo.commitAll('track features');
    installHooks(repo.dir, { brBin: BR_BIN });

    repo.write('src/config.ts', `export const port = 3000;\nexport const token = "${fakeGithubToken()}";\n`);
    gitIn(repo, repo.dir, 'add', 'src/config.ts');
    const blocked = gitWithHooks(repo, ['commit', '-m', 'add config']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('src/config.ts:2');
    expect(blocked.output).toContain('github-token');
    expect(blocked.output).toContain('git commit --no-verify');
    expect(gitIn(repo, repo.dir, 'log', '-1', '--format=%s')).toBe('track features');

    repo.write('src/config.ts', 'export const port = 3000;\nexport const token = process.env.TOKEN;\n');
    gitIn(repo, repo.dir, 'add', 'src/config.ts');
    const clean = gitWithHooks(repo, ['commit', '-m', 'add config']);
    expect(clean.code).toBe(0);
    expect(gitIn(repo, repo.dir, 'log', '-1', '--format=%s')).toBe('add config');
    const status = readFileSync(path.join(repo.dir, 'STATUS.md'), 'utf8');
    expect(status).toContain('1/2 features complete (50%)');
    expect(gitIn(repo, repo.dir, 'ls-files', 'STATUS.md')).toBe('');
  });

  it('blocks a commit of an invalid features.json naming the file and line', () => {
    installHooks(repo.dir, { brBin: BR_BIN });
    repo.write('.buildrunner/features.json', featuresJson([{ id: 'login', status: 'done' }]));
    gitIn(repo, repo.dir, 'add', '.buildrunner/features.json');
    const blocked = gitWithHooks(repo, ['commit', '-m', 'features']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toMatch(/\.buildrunner\/features\.json:8: features\.0\.status/);
  });

  it('blocks a push while a required feature is incomplete and lets it through once complete', () => {
    const remote = path.join(path.dirname(repo.dir), 'remote.git');
    gitIn(repo, path.dirname(repo.dir), 'init', '-q', '--bare', remote);
    gitIn(repo, repo.dir, 'remote', 'add', 'origin', remote);
    repo.write(
      '.buildrunner/features.json',
      featuresJson([{ id: 'api', required: true, status: 'in_progress' }, { id: 'docs' }]),
    );
    repo.commitAll('features');
    installHooks(repo.dir, { brBin: BR_BIN });

    const blocked = gitWithHooks(repo, ['push', 'origin', 'main']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('.buildrunner/features.json:5: api is in_progress');
    expect(blocked.output).toContain('git push --no-verify');

    repo.write(
      '.buildrunner/features.json',
      featuresJson([{ id: 'api', required: true, status: 'complete' }, { id: 'docs' }]),
    );
    repo.commitAll('api done');
    expect(gitWithHooks(repo, ['push', 'origin', 'main']).code).toBe(0);
    expect(gitIn(repo, repo.dir, 'ls-remote', remote, 'refs/heads/main')).toContain(
      gitIn(repo, repo.dir, 'rev-parse', 'HEAD'),
    );
  });

  it('returns a rejection by the installed pre-commit hook as HOOK_REJECTED with its output', async () => {
    installHooks(repo.dir, { brBin: BR_BIN });
    const git = createGitActivities({ config: parseConfig({}) });
    await git.ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'main', buildBranch: 'build/x' });
    const wt = await git.prepareWorktree({
      buildId: 'x',
      taskId: 't1',
      attempt: 1,
      repoPath: repo.dir,
      buildBranch: 'build/x',
    });
    repo.write(`.buildrunner/worktrees/x/t1/lib/env.ts`, `// config\nconst key = '${fakeGithubToken()}';\n`);
    const saved = process.env.BR_FROM_SOURCE;
    process.env.BR_FROM_SOURCE = '1';
    try {
      await git.commitTask({
        worktreePath: wt.worktreePath,
        buildId: 'x',
        taskId: 't1',
        model: 'm',
        message: 'env',
      });
      throw new Error('expected the commit to be rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).type).toBe(FailureClass.HOOK_REJECTED);
      expect(((err as ApplicationFailure).details?.[0] as { output: string }).output).toContain(
        'lib/env.ts:2',
      );
    } finally {
      if (saved === undefined) delete process.env.BR_FROM_SOURCE;
      else process.env.BR_FROM_SOURCE = saved;
    }
  });

  it('reports status, and install is repeatable', () => {
    expect(hooksStatus(repo.dir).ok).toBe(false);
    installHooks(repo.dir, { brBin: BR_BIN });
    const again = installHooks(repo.dir, { brBin: BR_BIN });
    expect(again.hooks.map((h) => h.action)).toEqual(['updated', 'updated', 'updated']);
    const status = hooksStatus(repo.dir);
    expect(status.ok).toBe(true);
    expect(status.hooks.map((h) => h.state)).toEqual(['installed', 'installed', 'installed']);
    expect(readFileSync(path.join(repo.dir, '.git/hooks/pre-commit'), 'utf8')).toContain(
      '# BuildRunner hook v1',
    );
    uninstallHooks(repo.dir);
    expect(existsSync(path.join(repo.dir, '.git/hooks/pre-commit'))).toBe(false);
    expect(statSync(path.join(repo.dir, '.git/hooks')).isDirectory()).toBe(true);
  });
});
