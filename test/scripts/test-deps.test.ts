import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.join(__dirname, '../../scripts/test-deps.sh');
const SYSTEM_BIN = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** Where Debian puts a command (not a version manager's shim that needs its own PATH). */
const systemCommand = (command: string) =>
  SYSTEM_BIN.map((dir) => path.join(dir, command)).find((file) => existsSync(file));

/** scripts/test-deps.sh with only the given commands on its PATH, as root or (simulated) as a user. */
function runDeps(commands: string[], options: { asUser: boolean }) {
  const bin = mkdtempSync(path.join(tmpdir(), 'br-test-deps-'));
  try {
    for (const command of commands) {
      const found = systemCommand(command);
      if (found) symlinkSync(found, path.join(bin, command));
    }
    const started = Date.now();
    const run = spawnSync('/bin/bash', [script], {
      encoding: 'utf8',
      env: { PATH: bin, ...(options.asUser ? { BR_TEST_DEPS_AS_USER: '1' } : {}) },
      timeout: 20_000,
    });
    return { ...run, ms: Date.now() - started };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('the test command’s Debian packages (scripts/test-deps.sh)', () => {
  it('stops at once without root, naming the one command that installs every missing package', () => {
    const run = runDeps([], { asUser: true });
    expect(run.status).toBe(1);
    expect(run.ms).toBeLessThan(5_000);
    expect(run.stderr).toContain('Nothing was run');
    const commands = run.stderr.split('\n').filter((line) => line.trim().startsWith('sudo '));
    expect(commands).toEqual([
      '  sudo apt-get install -y bubblewrap chromium tmux docker-compose strace python3-venv',
    ]);
  });

  it('stops as a user even when apt-get is there, and names only what is missing', () => {
    const run = runDeps(['apt-get', 'tmux', 'strace', 'python3'], { asUser: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('  sudo apt-get install -y bubblewrap chromium docker-compose\n');
  });

  const all = ['bwrap', 'chromium', 'tmux', 'docker-compose', 'strace', 'python3'];
  const installed = all.every((command) => systemCommand(command));
  (installed ? it : it.skip)('passes silently when every package is installed, whoever runs it', () => {
    const run = runDeps(all, { asUser: true });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
