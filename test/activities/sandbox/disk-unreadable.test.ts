import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The disk quota for a worker that is not root: `du` runs as the worker's user, the same user as the
 * sandboxed command, so a folder the command made unreadable (`chmod 000`) hid its size and a worktree
 * far over the quota measured as under it. The worker here is a real process running as nobody.
 */
const NOBODY = 65534;
const ROOT = path.join(__dirname, '../../..');
let base: string;
let worktree: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'br-disk-nobody-')));
  worktree = path.join(base, 'worktree');
  mkdirSync(worktree);
  mkdirSync(path.join(base, 'home'));
  for (const dir of [base, worktree, path.join(base, 'home')]) chownSync(dir, NOBODY, NOBODY);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function runAsNobody(command: string, limits: Record<string, number>): Promise<Record<string, unknown>> {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  const script = path.join(ROOT, 'test/fixtures/sandbox/as-worker.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [script, worktree, JSON.stringify(limits), '/bin/sh', '-c', command], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: base,
      env: { PATH: process.env.PATH, HOME: path.join(base, 'home'), TMPDIR: base },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch {
        reject(new Error(`the worker as nobody exited ${code}: ${err}${out}`));
      }
    });
  });
}

const itAsRoot = process.getuid?.() === 0 ? it : it.skip;

describe('the disk quota for a worker that is not root', () => {
  itAsRoot(
    'refuses a command that hides 40 MB from du in a chmod 000 folder, with a verdict saying what to do',
    async () => {
      const hide = 'mkdir hid && head -c 40000000 /dev/zero > hid/big && chmod 000 hid && sleep 40';
      const r = await runAsNobody(hide, { diskMb: 16, fileSizeMb: 64 });
      expect(r.verdict).toBe(
        "refused: the disk quota of 16 MB (agent.limits.diskMb) cannot be checked: cannot read directory 'hid': " +
          'Permission denied. Give the folders in the worktree back read and search permission (chmod -R u+rwX on ' +
          'that path) or delete it, then run the command again',
      );
      expect(r.diskUnreadable).toBe("cannot read directory 'hid': Permission denied");
      expect(r.diskLimited).toBeUndefined();
      // Stopped by the watcher, not by the end of the command or its time limit.
      expect(r.timedOut).toBe(false);
      expect(r.seconds).toBeLessThan(35);
    },
    90_000,
  );

  itAsRoot(
    'refuses a command that exits right after hiding the folder too (the measurement at exit)',
    async () => {
      rmSync(path.join(worktree, 'hid'), { recursive: true, force: true });
      const r = await runAsNobody('mkdir hid2 && head -c 40000000 /dev/zero > hid2/big && chmod 000 hid2', {
        diskMb: 16,
        fileSizeMb: 64,
      });
      expect(r.verdict).toMatch(
        /^refused: the disk quota of 16 MB .* cannot read directory 'hid2': Permission denied/,
      );
    },
    90_000,
  );

  itAsRoot(
    'runs an ordinary command under the quota normally',
    async () => {
      rmSync(path.join(worktree, 'hid2'), { recursive: true, force: true });
      const r = await runAsNobody('mkdir -p ok && head -c 1000000 /dev/zero > ok/small && echo fine', {
        diskMb: 16,
      });
      expect(r.verdict).toBe('exited with code 0');
      expect(r.output).toContain('fine');
    },
    90_000,
  );
});
