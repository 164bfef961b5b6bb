import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sanitizedGitConfig, withoutUserinfo } from '../../../lib/sandbox/gitconfig';

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' });

/** Writes `text` as a config file, sanitises it through git's own listing, and lists the result. */
function roundTrip(text: string): { list: string; sanitized: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'br-gitconfig-test-'));
  try {
    writeFileSync(path.join(dir, 'in'), text);
    const sanitized = sanitizedGitConfig(git('config', '--file', path.join(dir, 'in'), '--list', '--null'));
    writeFileSync(path.join(dir, 'out'), sanitized);
    return { list: git('config', '--file', path.join(dir, 'out'), '--list'), sanitized };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the git config the sandbox sees', () => {
  it('keeps ordinary settings exactly, including awkward values, bare booleans and repeated keys', () => {
    const { list } = roundTrip(
      [
        '[core]',
        '\tbare = false',
        '\tfilemode',
        '[alias]',
        '\tlg = "log --format=\\"%h # %s\\" ; x"',
        '[branch "feat/odd \\"name\\""]',
        '\tremote = origin',
        '[remote "origin"]',
        '\turl = git@github.com:o/r.git',
        '\tfetch = +refs/heads/*:refs/remotes/origin/*',
        '\tfetch = +refs/tags/*:refs/tags/*',
      ].join('\n'),
    );
    expect(list.split('\n')).toEqual([
      'core.bare=false',
      'core.filemode',
      'alias.lg=log --format="%h # %s" ; x',
      'branch.feat/odd "name".remote=origin',
      'remote.origin.url=git@github.com:o/r.git',
      'remote.origin.fetch=+refs/heads/*:refs/remotes/origin/*',
      'remote.origin.fetch=+refs/tags/*:refs/tags/*',
      '',
    ]);
  });

  it('drops helpers, headers, rewrites, includes and token-named keys, and strips userinfo from URLs', () => {
    const { list } = roundTrip(
      [
        '[remote "origin"]',
        '\turl = https://x-access-token:SECRET1@github.com/o/r.git',
        '\tpushurl = https://SECRET2@github.com/o/r.git',
        '[http "https://github.com/"]',
        '\textraheader = AUTHORIZATION: basic SECRET3',
        '[http]',
        '\tcookiefile = /home/u/SECRET4',
        '[credential]',
        '\thelper = store',
        '[credential "https://github.com"]',
        '\tusername = SECRET5',
        '[url "https://SECRET6@github.com/"]',
        '\tinsteadOf = https://github.com/',
        '[include]',
        '\tpath = /home/u/SECRET7',
        '[includeIf "gitdir:/x/"]',
        '\tpath = SECRET8',
        '[github]',
        '\ttoken = SECRET9',
        '[hub]',
        '\toauthtoken = SECRET10',
        '[user]',
        '\tname = Kept',
      ].join('\n'),
    );
    expect(list).not.toMatch(/SECRET/);
    expect(list).toContain('remote.origin.url=https://github.com/o/r.git');
    expect(list).toContain('remote.origin.pushurl=https://github.com/o/r.git');
    expect(list).toContain('user.name=Kept');
  });

  it('strips only the userinfo of a URL', () => {
    expect(withoutUserinfo('https://u:p@host:8443/a?b=c')).toBe('https://host:8443/a?b=c');
    expect(withoutUserinfo('ssh://git@host/r')).toBe('ssh://host/r');
    expect(withoutUserinfo('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });
});
