import { bwrapArgs } from '../../../lib/sandbox/bwrap';

const base = {
  network: false,
  systemDirs: ['/usr', '/etc'],
  hiddenFiles: ['/etc/shadow'],
  hiddenDirs: ['/etc/ssh'],
  env: { PATH: '/usr/bin' },
};

/** The [flag, ...operands] mounts in order, for readable assertions. */
function mounts(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--bind' || a === '--ro-bind') out.push(`${a} ${args[++i]} ${args[++i]}`);
    else if (a === '--tmpfs') out.push(`${a} ${args[++i]}`);
  }
  return out;
}

describe('bubblewrap arguments', () => {
  it('makes a linked worktree writable, its git folders read-only, other worktrees and its .git pointer untouchable', () => {
    const wt = '/r/.buildrunner/worktrees/b/t';
    const args = bwrapArgs(
      { ...base, mounts: { workdir: wt, gitDir: '/r/.git/worktrees/t', commonGitDir: '/r/.git' } },
      ['npm', 'test'],
    );
    expect(mounts(args)).toEqual([
      '--ro-bind /usr /usr',
      '--ro-bind /etc /etc',
      '--ro-bind /dev/null /etc/shadow',
      '--tmpfs /etc/ssh',
      '--tmpfs /dev/shm',
      '--tmpfs /tmp',
      `--bind ${wt} ${wt}`,
      '--ro-bind /r/.git /r/.git',
      '--tmpfs /r/.git/worktrees',
      '--ro-bind /r/.git/worktrees/t /r/.git/worktrees/t',
      `--ro-bind ${wt}/.git ${wt}/.git`,
      '--tmpfs /sandbox-home',
    ]);
    expect(args).toContain('--unshare-net');
    expect(args.slice(-5)).toEqual(['--chdir', wt, '--', 'npm', 'test']);
  });

  it("keeps a main checkout's .git read-only over the writable checkout", () => {
    const args = mounts(
      bwrapArgs({ ...base, mounts: { workdir: '/r', gitDir: '/r/.git', commonGitDir: '/r/.git' } }, ['x']),
    );
    expect(args.indexOf('--ro-bind /r/.git /r/.git')).toBeGreaterThan(args.indexOf('--bind /r /r'));
  });

  it('shares the network only when agent.network allows it, and clears the environment', () => {
    const args = bwrapArgs({ ...base, network: true, mounts: { workdir: '/w' } }, ['x']);
    expect(args).not.toContain('--unshare-net');
    expect(args).toEqual(
      expect.arrayContaining(['--clearenv', '--setenv', 'PATH', '/usr/bin', '--cap-drop', 'ALL']),
    );
  });

  it('caps every tmpfs a command can write, /dev/shm included, and lets it make no user namespace of its own', () => {
    const args = bwrapArgs({ ...base, mounts: { workdir: '/w' }, tmpfsBytes: 1024 }, ['x']);
    for (const dir of ['/dev/shm', '/tmp', '/sandbox-home'])
      expect(args.slice(args.indexOf(dir) - 3, args.indexOf(dir))).toEqual(['--size', '1024', '--tmpfs']);
    expect(args.slice(args.indexOf('/dev/shm') + 1, args.indexOf('/dev/shm') + 3)).toEqual([
      '--remount-ro',
      '/dev',
    ]);
    expect(args).toEqual(expect.arrayContaining(['--unshare-user', '--disable-userns']));
  });
});
