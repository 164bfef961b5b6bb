import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hooksStatus, installHooks, manifestPath, uninstallHooks } from '../../../services/git-hooks/install';
import { useTempRepo } from '../../fixtures/repo';
import { BR_BIN, fakeGithubToken, gitIn, gitWithHooks } from '../../fixtures/hooks';

jest.setTimeout(90_000);

const repo = useTempRepo();

function writeHook(file: string, text: string, mode: number): Buffer {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
  return readFileSync(file);
}

function stageSecret() {
  repo.write('app.env', `TOKEN=${fakeGithubToken()}\n`);
  gitIn(repo, repo.dir, 'add', 'app.env');
}

describe('installing next to existing hooks', () => {
  it('keeps a pre-existing hook running between install and uninstall, honours its exit code, and restores it byte-identically', () => {
    const marker = path.join(path.dirname(repo.dir), 'original-ran');
    const hookFile = path.join(repo.dir, '.git/hooks/pre-commit');
    const original = writeHook(
      hookFile,
      `#!/bin/sh\n# team hook\necho "ran $0" >> '${marker}'\n[ -f STOP ] && { echo "team hook says no"; exit 3; }\nexit 0\n`,
      0o750,
    );
    installHooks(repo.dir, { brBin: BR_BIN });
    expect(readFileSync(hookFile, 'utf8')).toContain('# BuildRunner hook v1');

    repo.write('STOP', '');
    gitIn(repo, repo.dir, 'add', 'STOP');
    const refused = gitWithHooks(repo, ['commit', '-m', 'stop']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('team hook says no');
    expect(readFileSync(marker, 'utf8')).toBe('ran .git/hooks/pre-commit\n');

    gitIn(repo, repo.dir, 'rm', '-q', '--cached', 'STOP');
    rmSync(path.join(repo.dir, 'STOP'));
    stageSecret();
    const blocked = gitWithHooks(repo, ['commit', '-m', 'secret']);
    expect(blocked.output).toContain('app.env:1');
    expect(readFileSync(marker, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);

    const result = uninstallHooks(repo.dir);
    expect(result.hooks.find((h) => h.hook === 'pre-commit')?.action).toBe('restored');
    expect(readFileSync(hookFile).equals(original)).toBe(true);
    expect(statSync(hookFile).mode & 0o7777).toBe(0o750);
    expect(existsSync(`${hookFile}.br-chained`)).toBe(false);
    expect(existsSync(path.join(repo.dir, '.git/hooks/pre-push'))).toBe(false);
    expect(existsSync(manifestPath(path.join(repo.dir, '.git')))).toBe(false);
    expect(uninstallHooks(repo.dir).nothingInstalled).toBe(true);
    expect(readFileSync(hookFile).equals(original)).toBe(true);
  });

  it('installs into a local core.hooksPath the way husky sets it up, and husky keeps dispatching by hook name', () => {
    const marker = path.join(path.dirname(repo.dir), 'husky-ran');
    // husky v9 layout: core.hooksPath=.husky/_ whose scripts source "_/h", which runs .husky/<basename of $0>.
    writeHook(
      path.join(repo.dir, '.husky/_/h'),
      '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ ! -f "$s" ] && exit 0\nsh -e "$s" "$@"\n',
      0o644,
    );
    const huskyShim = writeHook(
      path.join(repo.dir, '.husky/_/pre-commit'),
      '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n',
      0o755,
    );
    writeHook(path.join(repo.dir, '.husky/pre-commit'), `echo husky-pre-commit >> '${marker}'\n`, 0o644);
    gitIn(repo, repo.dir, 'config', 'core.hooksPath', '.husky/_');

    const installed = installHooks(repo.dir, { brBin: BR_BIN });
    expect(installed.scope).toBe('local');
    expect(installed.hooksDir).toBe(path.join(repo.dir, '.husky/_'));
    expect(hooksStatus(repo.dir).ok).toBe(true);
    expect(existsSync(path.join(repo.dir, '.git/hooks/pre-commit'))).toBe(false);

    stageSecret();
    const blocked = gitWithHooks(repo, ['commit', '-m', 'secret']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('app.env:1');
    expect(readFileSync(marker, 'utf8')).toBe('husky-pre-commit\n');

    uninstallHooks(repo.dir);
    expect(readFileSync(path.join(repo.dir, '.husky/_/pre-commit')).equals(huskyShim)).toBe(true);
  });

  it('installs into a global core.hooksPath and uninstalls from it', () => {
    const globalHooks = path.join(path.dirname(repo.dir), 'global-hooks');
    const previous = writeHook(
      path.join(globalHooks, 'pre-push'),
      '#!/bin/sh\ncat > /dev/null\nexit 0\n',
      0o755,
    );
    writeFileSync(repo.globalConfig, `[core]\n\thooksPath = ${globalHooks}\n`);

    const installed = installHooks(repo.dir, { brBin: BR_BIN });
    expect(installed.scope).toBe('global');
    expect(installed.sharedWarning).toContain('every repository');
    expect(readFileSync(path.join(globalHooks, 'pre-commit'), 'utf8')).toContain('# BuildRunner hook v1');

    stageSecret();
    const blocked = gitWithHooks(repo, ['commit', '-m', 'secret']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('app.env:1');

    uninstallHooks(repo.dir);
    expect(readFileSync(path.join(globalHooks, 'pre-push')).equals(previous)).toBe(true);
    expect(existsSync(path.join(globalHooks, 'pre-commit'))).toBe(false);
  });
});
