import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_TIMEOUT_MS,
  git,
  GitError,
  runGit,
} from '../../../activities/git/safe';
import { makeRepo, useTempRepo } from '../../fixtures/repo';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CODE_DIRS = ['activities', 'services', 'worker', 'lib', 'cli', 'mcp'];
/** The runner itself, and the sandbox helper's file it converts (issue #25 item 3). */
const ALLOWED = new Set(['activities/git/safe.ts', 'services/secrets-files.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('git outside the sandbox', () => {
  it('is never spawned directly by the worker, services or CLI: only through activities/git/safe.ts', () => {
    const direct =
      /\b(spawn|spawnSync|execFile|execFileSync|exec|execSync|execa|run)\s*\)?\s*\(\s*['"`]git\b/;
    const offenders = CODE_DIRS.flatMap((d) => sources(path.join(ROOT, d)))
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
      .filter((f) => !ALLOWED.has(f) && direct.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  describe('in a repository whose config names programs', () => {
    const repo = useTempRepo();
    const saved = process.env.GITHUB_TOKEN;
    afterEach(() => {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    });

    it('runs none of them: the fsmonitor, hooks, pager and external diff its config names', async () => {
      const ran = path.join(repo.dir, '..', 'ran.txt');
      const prog = path.join(repo.dir, '..', 'prog.sh');
      writeFileSync(prog, `#!/bin/sh\necho "$0 $GITHUB_TOKEN" >> "${ran}"\n`);
      chmodSync(prog, 0o755);
      process.env.GITHUB_TOKEN = 'token-that-must-not-leak';
      for (const [k, val] of [
        ['core.fsmonitor', prog],
        ['core.pager', prog],
        ['diff.external', prog],
        ['core.hooksPath', path.dirname(prog)],
      ])
        repo.git('config', k!, val!);
      writeFileSync(path.join(path.dirname(prog), 'post-index-change'), `#!/bin/sh\n${prog}\n`);
      chmodSync(path.join(path.dirname(prog), 'post-index-change'), 0o755);
      repo.write('src/a.txt', 'changed\n');
      await git(repo.dir, ['add', '--all']);
      await git(repo.dir, ['diff', 'HEAD']);
      await git(repo.dir, ['status']);
      await git(repo.dir, ['log', '-p', '-1']);
      expect(existsSync(ran) ? readFileSync(ran, 'utf8') : 'nothing ran').toBe('nothing ran');
    });

    it('gives git the worker environment without its secrets, except to commands that talk to a remote', async () => {
      process.env.GITHUB_TOKEN = 'token-that-must-not-leak';
      const local = await runGit(repo.dir, ['var', 'GIT_EDITOR']);
      expect(local.stdout.trim()).toBe('true');
      // git config --get-urlmatch is local, but `network` keeps the environment a credential helper needs.
      const env = (o: object) =>
        execFileSync('sh', ['-c', 'echo "${GITHUB_TOKEN:-unset}"'], {
          env: o as NodeJS.ProcessEnv,
          encoding: 'utf8',
        });
      const { gitEnv } = await import('../../../activities/git/safe');
      expect(env(gitEnv()).trim()).toBe('unset');
      expect(env(gitEnv({ network: true })).trim()).toBe('token-that-must-not-leak');
    });

    it('rejects output past its default cap instead of growing one string until the worker dies', async () => {
      // Untracked files under a 3.8 KB folder path: `ls-files --others` prints ~150 MB for 40,000 empty
      // files (1,600 times more such files, 42 MB on disk, crashed the worker with "Invalid string length").
      let dir = repo.dir;
      for (let i = 0; i < 15; i++) dir = path.join(dir, String.fromCharCode(97 + i).repeat(250));
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 40_000; i++) writeFileSync(path.join(dir, `${i}`.padStart(7, '0')), '');
      const listed = await runGit(repo.dir, ['ls-files', '-z', '--others']).catch((e: unknown) => e);
      expect(listed).toBeInstanceOf(GitError);
      expect((listed as GitError).tooLarge).toBe(true);
      expect(DEFAULT_MAX_OUTPUT_BYTES).toBeLessThan(512 * 1024 * 1024);
    }, 120_000);
  });

  it('stops a git that blocks for good (a FIFO where git opens .gitignore) at its time limit, and leaves no git behind', async () => {
    const repo = makeRepo();
    try {
      execFileSync('mkfifo', [path.join(repo.dir, '.gitignore')]);
      const started = Date.now();
      const listed = await runGit(repo.dir, ['ls-files', '--others', '--exclude-standard'], {
        timeoutMs: 1500,
      }).catch((e: unknown) => e);
      expect(listed).toBeInstanceOf(GitError);
      expect((listed as GitError).timedOut).toBe(true);
      expect((listed as GitError).message).toContain('did not finish within 1.5 s');
      expect(Date.now() - started).toBeLessThan(10_000);
      const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('ls-files --others') && line.includes(repo.dir));
      expect(left).toEqual([]);
      expect(DEFAULT_TIMEOUT_MS).toBeGreaterThanOrEqual(10 * 60 * 1000);
    } finally {
      repo.cleanup();
    }
  }, 30_000);
});
