import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runInSandbox } from '../../../activities/sandbox/run';
import { parseConfig } from '../../../lib/config';
import { sandboxPolicy } from '../../../lib/sandbox/policy';
import { makeHost, type Host } from '../../fixtures/sandbox/host';

/**
 * Credentials a checkout's git folder commonly holds (a token in the remote URL, the header
 * actions/checkout writes, a credential helper, a rewrite carrying a token, a worktree config and a
 * stray .git-credentials) are not readable from the sandbox, while the worker's own git sees them all.
 * Canaries are random words no secret rule recognises, so output masking cannot hide a leak.
 */
let host: Host;
const canary = () => `canary${randomBytes(10).toString('hex')}`;
const tokens = {
  url: canary(),
  header: canary(),
  helper: canary(),
  insteadOf: canary(),
  worktree: canary(),
  file: canary(),
  submodule: canary(),
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

beforeAll(async () => {
  host = await makeHost();
  const repo = host.repo;
  git(repo, 'remote', 'add', 'origin', `https://x-access-token:${tokens.url}@github.com/o/r.git`);
  git(repo, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${tokens.header}`);
  git(repo, 'config', 'credential.helper', `!echo password=${tokens.helper}`);
  git(repo, 'config', `url.https://${tokens.insteadOf}@github.com/.insteadOf`, 'https://github.com/');
  git(repo, 'config', 'extensions.worktreeConfig', 'true');
  git(host.worktree, 'config', '--worktree', 'github.token', tokens.worktree);
  writeFileSync(path.join(host.commonGitDir, '.git-credentials'), `https://u:${tokens.file}@github.com\n`);
  // A submodule's own git folder, with a token in its remote URL.
  const sub = path.join(host.commonGitDir, 'modules', 'vendor');
  mkdirSync(sub, { recursive: true });
  writeFileSync(
    path.join(sub, 'config'),
    `[remote "origin"]\n\turl = https://u:${tokens.submodule}@github.com/o/v.git\n`,
  );
});
afterAll(() => host.close());

describe('the sandbox sees the git folder without credentials', () => {
  it('finds no token through git config, cat .git/config, git remote -v or the credentials file, and git still works', async () => {
    const script = [
      'git config --get-regexp ".*"',
      'git config --show-origin --list',
      `cat "${path.join(host.commonGitDir, 'config')}"`,
      `cat "${path.join(host.commonGitDir, 'worktrees')}"/*/config.worktree 2>&1`,
      `cat "$(git rev-parse --git-dir)/config.worktree"`,
      `cat "${path.join(host.commonGitDir, '.git-credentials')}"`,
      `cat "${path.join(host.commonGitDir, 'modules', 'vendor', 'config')}"`,
      'git remote -v',
      'echo url | git credential fill 2>&1 </dev/null',
      'git status --short',
      'echo STATUS=$?',
    ].join('; ');
    const policy = sandboxPolicy(parseConfig({}));
    const run = await runInSandbox({
      argv: ['/bin/sh', '-c', `(${script}) > seen.txt 2>&1`],
      dir: host.worktree,
      policy: { ...policy, timeoutSeconds: 30 },
      workerEnv: host.workerEnv,
    });
    expect(run.verdict).toBe('exited with code 0');
    // Written to a file in the worktree, not printed: output masking plays no part.
    const seen = readFileSync(path.join(host.worktree, 'seen.txt'), 'utf8');
    for (const token of Object.values(tokens)) expect(seen).not.toContain(token);
    expect(seen).toContain('origin\thttps://github.com/o/r.git (fetch)');
    expect(seen).toContain('STATUS=0');
  });

  it("leaves the worker's own git reading the real config, tokens included", async () => {
    await runInSandbox({
      argv: ['true'],
      dir: host.worktree,
      policy: sandboxPolicy(parseConfig({})),
      workerEnv: host.workerEnv,
    });
    expect(git(host.repo, 'remote', 'get-url', 'origin')).toContain(tokens.url);
    expect(git(host.repo, 'config', '--get-regexp', 'extraheader')).toContain(tokens.header);
    expect(git(host.worktree, 'config', '--worktree', 'github.token')).toContain(tokens.worktree);
    expect(readFileSync(path.join(host.commonGitDir, '.git-credentials'), 'utf8')).toContain(tokens.file);
  });
});
