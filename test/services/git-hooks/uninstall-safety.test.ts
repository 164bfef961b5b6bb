import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { installHooks, manifestPath, uninstallHooks } from '../../../services/git-hooks/install';
import { runBr } from '../../helpers/cli';
import { useTempRepo } from '../../fixtures/repo';
import { BR_BIN, gitIn, gitWithHooks } from '../../fixtures/hooks';

jest.setTimeout(90_000);

const repo = useTempRepo();
const hooksDir = () => path.join(repo.dir, '.git/hooks');
const hookPath = (name: string) => path.join(hooksDir(), name);

function writeHook(file: string, text: string, mode: number): Buffer {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
  return readFileSync(file);
}

/** What husky does when it reinstalls: writes its own hook over whatever is there. */
function replaceWithForeignHook(name: string): Buffer {
  return writeHook(hookPath(name), '#!/usr/bin/env sh\n. "$(dirname "$0")/_/h"\n', 0o755);
}

const modeOf = (file: string) => lstatSync(file).mode & 0o7777;

describe('br hooks uninstall never destroys a hook the user had', () => {
  it('keeps the pre-BuildRunner hook beside a hook that replaced ours, byte for byte with its mode', () => {
    const original = writeHook(hookPath('pre-commit'), '#!/bin/sh\n# team checks\nexit 0\n', 0o750);
    installHooks(repo.dir, { brBin: BR_BIN });
    const replacement = replaceWithForeignHook('pre-commit');

    const result = uninstallHooks(repo.dir);
    const entry = result.hooks.find((h) => h.hook === 'pre-commit');
    expect(entry).toEqual({
      hook: 'pre-commit',
      action: 'left-foreign',
      savedOriginal: `${hookPath('pre-commit')}.pre-buildrunner`,
    });
    expect(readFileSync(hookPath('pre-commit')).equals(replacement)).toBe(true);
    expect(readFileSync(`${hookPath('pre-commit')}.pre-buildrunner`).equals(original)).toBe(true);
    expect(modeOf(`${hookPath('pre-commit')}.pre-buildrunner`)).toBe(0o750);
    expect(existsSync(`${hookPath('pre-commit')}.br-chained`)).toBe(false);
    expect(existsSync(manifestPath(path.join(repo.dir, '.git')))).toBe(false);
    // Our other hooks, which nobody replaced, are still removed.
    expect(existsSync(hookPath('pre-push'))).toBe(false);
    expect(uninstallHooks(repo.dir).nothingInstalled).toBe(true);
    expect(readFileSync(`${hookPath('pre-commit')}.pre-buildrunner`).equals(original)).toBe(true);
  });

  it('says in the CLI output where the pre-BuildRunner hook was kept', async () => {
    writeHook(hookPath('pre-push'), '#!/bin/sh\ncat >/dev/null\n', 0o755);
    installHooks(repo.dir, { brBin: BR_BIN });
    replaceWithForeignHook('pre-push');
    // An earlier preserved copy is never overwritten.
    const earlier = writeHook(`${hookPath('pre-push')}.pre-buildrunner`, 'older\n', 0o644);

    const out = await runBr(['hooks', 'uninstall'], { cwd: repo.dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('pre-push     left alone (replaced by something else since install)');
    expect(out.stdout).toContain(
      `the pre-push hook from before BuildRunner is kept at ${hookPath('pre-push')}.pre-buildrunner.2`,
    );
    expect(readFileSync(`${hookPath('pre-push')}.pre-buildrunner`).equals(earlier)).toBe(true);
    expect(readFileSync(`${hookPath('pre-push')}.pre-buildrunner.2`, 'utf8')).toBe(
      '#!/bin/sh\ncat >/dev/null\n',
    );
  });

  it('keeps the first original when install runs again after our hook was replaced', () => {
    const original = writeHook(hookPath('post-commit'), '#!/bin/sh\necho first\n', 0o755);
    installHooks(repo.dir, { brBin: BR_BIN });
    const replacement = replaceWithForeignHook('post-commit');

    const again = installHooks(repo.dir, { brBin: BR_BIN });
    const entry = again.hooks.find((h) => h.hook === 'post-commit');
    expect(entry).toMatchObject({
      action: 'installed',
      chained: true,
      earlierOriginalSavedAs: `${hookPath('post-commit')}.pre-buildrunner`,
    });
    expect(readFileSync(`${hookPath('post-commit')}.pre-buildrunner`).equals(original)).toBe(true);
    expect(readFileSync(`${hookPath('post-commit')}.br-chained`).equals(replacement)).toBe(true);

    uninstallHooks(repo.dir);
    expect(readFileSync(hookPath('post-commit')).equals(replacement)).toBe(true);
    expect(readFileSync(`${hookPath('post-commit')}.pre-buildrunner`).equals(original)).toBe(true);
  });

  it('restores a symlinked hook as the same symlink, and runs it while installed', () => {
    const marker = path.join(path.dirname(repo.dir), 'linked-ran');
    const script = writeHook(
      path.join(repo.dir, 'scripts/pre-commit.sh'),
      `#!/bin/sh\necho linked >> '${marker}'\n`,
      0o755,
    );
    repo.commitAll('team hook script');
    mkdirSync(hooksDir(), { recursive: true });
    symlinkSync('../../scripts/pre-commit.sh', hookPath('pre-commit'));

    installHooks(repo.dir, { brBin: BR_BIN });
    expect(lstatSync(hookPath('pre-commit')).isSymbolicLink()).toBe(false);
    repo.write('note.txt', 'hello\n');
    gitIn(repo, repo.dir, 'add', 'note.txt');
    expect(gitWithHooks(repo, ['commit', '-m', 'note']).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('linked\n');

    expect(uninstallHooks(repo.dir).hooks.find((h) => h.hook === 'pre-commit')?.action).toBe('restored');
    expect(lstatSync(hookPath('pre-commit')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(hookPath('pre-commit'))).toBe('../../scripts/pre-commit.sh');
    expect(readFileSync(path.join(repo.dir, 'scripts/pre-commit.sh')).equals(script)).toBe(true);
    expect(gitIn(repo, repo.dir, 'status', '--porcelain', 'scripts')).toBe('');
  });

  it('does not write through a dangling symlinked hook, and puts the link back', () => {
    const missing = path.join(repo.dir, 'tools/hooks/pre-push');
    mkdirSync(hooksDir(), { recursive: true });
    symlinkSync(missing, hookPath('pre-push'));

    installHooks(repo.dir, { brBin: BR_BIN });
    expect(existsSync(missing)).toBe(false);
    expect(readFileSync(hookPath('pre-push'), 'utf8')).toContain('# BuildRunner hook v1');

    uninstallHooks(repo.dir);
    expect(lstatSync(hookPath('pre-push')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(hookPath('pre-push'))).toBe(missing);
    expect(existsSync(missing)).toBe(false);
  });

  it('leaves every hook byte-identical with its mode after install, reinstall and uninstall', () => {
    const texts = {
      'pre-commit': ['#!/bin/bash\nset -e\necho one\n', 0o700],
      'post-commit': ['echo two without a shebang\n', 0o644],
      'pre-push': ['#!/usr/bin/env python3\nimport sys\nsys.exit(0)\n', 0o755],
    } as const;
    const before = Object.fromEntries(
      Object.entries(texts).map(([name, [text, mode]]) => [name, writeHook(hookPath(name), text, mode)]),
    );
    const listing = readdirSync(hooksDir()).sort();

    installHooks(repo.dir, { brBin: BR_BIN });
    installHooks(repo.dir, { brBin: BR_BIN });
    const result = uninstallHooks(repo.dir);

    expect(result.hooks.map((h) => [h.hook, h.action, h.savedOriginal])).toEqual([
      ['pre-commit', 'restored', null],
      ['post-commit', 'restored', null],
      ['pre-push', 'restored', null],
    ]);
    for (const [name, [, mode]] of Object.entries(texts)) {
      expect(readFileSync(hookPath(name)).equals(before[name]!)).toBe(true);
      expect(modeOf(hookPath(name))).toBe(mode);
    }
    expect(readdirSync(hooksDir()).sort()).toEqual(listing);
  });
});
