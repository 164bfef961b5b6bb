import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { runBr } from '../../helpers/cli';
import { makeHost, type Host } from '../../fixtures/sandbox/host';

let host: Host;
beforeAll(async () => {
  host = await makeHost();
});
afterAll(() => host.close());

async function sandboxRun(...argv: string[]) {
  const r = await runBr(['sandbox', 'run', '--dir', host.worktree, '--', ...argv], {
    cwd: host.worktree,
    env: host.workerEnv,
  });
  const all = `${r.stdout}\n${r.stderr}`;
  for (const secret of host.secrets) expect(all).not.toContain(secret);
  expect(all).not.toContain(/:([0-9a-f]{20})@/.exec(host.workerEnv.REDIS_URL)![1]);
  return { ...r, all };
}

describe('br sandbox run keeps model-written code in its worktree', () => {
  it.each([
    ['the SSH key in the home folder', () => path.join(host.home, '.ssh', 'id_ed25519')],
    ["the worker user's real home folder", () => homedir()],
    ["the main checkout's untracked .env", () => path.join(host.repo, '.env')],
    ["another task's worktree", () => path.join(host.otherWorktree, 'notes.txt')],
  ])('cannot read %s', async (_what, target) => {
    const r = await sandboxRun('node', 'probe.js', 'read', target());
    expect(r.stdout).toMatch(/BLOCKED (ENOENT|EACCES)/);
    expect(r.code).toBe(2);
  });

  it("sees only its own environment in /proc/1/environ and process.env, never the worker's secrets", async () => {
    const proc = await sandboxRun('node', 'probe.js', 'read', '/proc/1/environ');
    expect(proc.stdout).toContain('HOME=/sandbox-home');
    const env = await sandboxRun('node', 'probe.js', 'env');
    const seen = JSON.parse(env.stdout.slice(env.stdout.indexOf('ENV ') + 4)) as Record<string, string>;
    expect(Object.keys(seen).sort()).toEqual(
      expect.not.arrayContaining(['ANTHROPIC_API_KEY', 'SLACK_WEBHOOK_URL', 'REDIS_URL']),
    );
    expect(seen.HOME).toBe('/sandbox-home');
  });

  it.each([
    ['outside the worktree', () => path.join(host.repo, 'outside.txt')],
    ['into .git/hooks', () => path.join(host.commonGitDir, 'hooks', 'pre-commit')],
    ["into the worktree's .git pointer", () => path.join(host.worktree, '.git')],
    ['into the system', () => '/usr/local/pwned'],
  ])('cannot write %s', async (_what, target) => {
    const before = existsSync(target()) ? readFileSync(target(), 'utf8') : null;
    const r = await sandboxRun('node', 'probe.js', 'write', target());
    // The test repository lives under /tmp, and the sandbox's /tmp is its own: a write there lands in
    // that private tmpfs and vanishes; everywhere else it fails. Either way the host file is untouched.
    if (!target().startsWith(`${host.base}/repo/outside`))
      expect(r.stdout).toMatch(/BLOCKED (EROFS|ENOENT|EACCES|ENOTDIR)/);
    expect(existsSync(target()) ? readFileSync(target(), 'utf8') : null).toBe(before);
  });

  it('cannot open a TCP connection to a listener on loopback', async () => {
    const r = await sandboxRun('node', 'probe.js', 'connect', String(host.port));
    expect(r.stdout).toMatch(/BLOCKED (ECONNREFUSED|ENETUNREACH)/);
    expect(host.connections()).toBe(0);
  });

  it('contains a fork bomb within the process limit and stops it at the time limit', async () => {
    const r = await sandboxRun('bash', '-c', 'b() { b | b & }; b; sleep 60');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timed out after 6s \(time limit\); the limit of 64 processes was reached/);
  }, 30_000);

  it('kills an output flood at the output limit', async () => {
    const r = await sandboxRun('yes', 'flood');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('printed more than 200000 bytes (output limit)');
  });

  it('kills a command that runs past its time limit', async () => {
    const r = await sandboxRun('sleep', '60');
    expect(r.stderr).toContain('timed out after 6s (time limit)');
    expect(r.code).toBe(1);
  }, 30_000);

  it('kills a command that takes more memory than its limit', async () => {
    const r = await sandboxRun('node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(1e7, 1));');
    expect(r.stderr).toContain('memory limit of 256 MB reached');
    expect(r.code).not.toBe(0);
  }, 30_000);

  it('still runs a legitimate npm test that writes in the worktree, and git status works', async () => {
    const r = await sandboxRun('npm', 'test');
    expect(r.stdout).toContain('1 test passed: ok');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(host.worktree, 'out.txt'), 'utf8')).toBe('ok');
    const status = await sandboxRun('git', 'status', '--porcelain');
    expect(status.stdout).toContain('?? out.txt');
    expect(status.code).toBe(0);
  });
});
