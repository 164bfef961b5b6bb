import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway git repository with one commit on main, isolated from the user's global git config. */
export interface TempRepo {
  dir: string;
  /** An empty global config file, so tests never read or write the real one. */
  globalConfig: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  write(file: string, content: string): void;
  commitAll(message: string): string;
  cleanup(): void;
}

export function makeRepo(): TempRepo {
  const base = mkdtempSync(path.join(tmpdir(), 'br-git-'));
  const dir = path.join(base, 'repo');
  mkdirSync(dir);
  const globalConfig = path.join(base, 'gitconfig-global');
  writeFileSync(globalConfig, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test User');
  git('config', 'user.email', 'test@example.com');
  git('config', 'commit.gpgsign', 'false');
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  };
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--no-verify', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  write('README.md', '# demo\n');
  write('src/a.txt', 'one\ntwo\nthree\n');
  write('src/b.txt', 'alpha\nbeta\n');
  commitAll('initial');
  return {
    dir,
    globalConfig,
    env,
    git,
    write,
    commitAll,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** Points this process's git at the temp repo's isolated global config while a test runs. */
export function isolateGitConfig(repo: TempRepo): () => void {
  const saved = { g: process.env.GIT_CONFIG_GLOBAL, s: process.env.GIT_CONFIG_NOSYSTEM };
  process.env.GIT_CONFIG_GLOBAL = repo.globalConfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  return () => {
    if (saved.g === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    else process.env.GIT_CONFIG_GLOBAL = saved.g;
    if (saved.s === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
    else process.env.GIT_CONFIG_NOSYSTEM = saved.s;
  };
}

/**
 * A fresh temp repository for every test of the calling file, with the git config isolated while it
 * runs. The returned object always refers to the current test's repository.
 */
export function useTempRepo(): TempRepo {
  let current: TempRepo | undefined;
  let restore = () => {};
  beforeEach(() => {
    current = makeRepo();
    restore = isolateGitConfig(current);
  });
  afterEach(() => {
    restore();
    current?.cleanup();
    current = undefined;
  });
  return new Proxy({} as TempRepo, {
    get: (_target, key) => {
      if (!current) throw new Error('useTempRepo(): the repository exists only while a test runs');
      return current[key as keyof TempRepo];
    },
  });
}
