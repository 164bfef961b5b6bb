import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGitActivities, withRemoteWorktree } from '../../../activities/git';
import { pruneCache } from '../../../activities/git/cache';
import { handoffRef, remoteTaskWorktree } from '../../../activities/git/remote';
import { parseConfig } from '../../../lib/config';
import type { RemoteTask, RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { failureOf } from '../../helpers/failure';
import { useTempRepo } from '../../fixtures/repo';

// Real git, cache clones and a remote, hooks in the bubblewrap sandbox:
// seconds per test alone, over jest's default 30 s at a load average of 20-36 on 2 cores, where
// tests that would have passed failed on the timeout alone.
jest.setTimeout(120_000);

const repo = useTempRepo();
const BUILD = 'br/b1';

/** A bare "remote" seeded from the temp checkout, and one cache dir per simulated worker. */
function setup(workers = 2) {
  const base = path.dirname(repo.dir);
  const remoteDir = path.join(base, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remoteDir]);
  repo.git('remote', 'add', 'origin', remoteDir);
  repo.git('push', '-q', 'origin', 'main');
  const url = pathToFileURL(remoteDir).href;
  const caches = Array.from({ length: workers }, (_, i) => path.join(base, `worker-${i}`, 'cache'));
  for (const c of caches) mkdirSync(c, { recursive: true });
  const acts = caches.map((cacheDir) => createGitActivities({ config: parseConfig({}), cacheDir }));
  const remoteGit = (...args: string[]) =>
    execFileSync('git', args, { cwd: remoteDir, encoding: 'utf8', stdio: 'pipe' }).trim();
  return { url, remoteDir, caches, acts, remoteGit };
}

/** The agent, faked: writes files into whatever worktree it is given. */
function fakeAgent(files: Record<string, string | null>) {
  return async (input: RunAgentInput): Promise<RunAgentResult> => {
    for (const [file, content] of Object.entries(files)) {
      if (content === null) {
        rmSync(path.join(input.worktreePath, file));
        continue;
      }
      mkdirSync(path.dirname(path.join(input.worktreePath, file)), { recursive: true });
      writeFileSync(path.join(input.worktreePath, file), content);
    }
    return {
      outcome: 'finished',
      summary: 'done',
      turns: 1,
      usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
      costUsd: '0',
      servedModel: 'fake',
    } as unknown as RunAgentResult;
  };
}

type Env = ReturnType<typeof setup>;

/** One task, each step on the worker given: prepare → agent → commit → verify (→ merge by the caller). */
async function runTask(env: Env, taskId: string, files: Record<string, string | null>, on: number[]) {
  const [p, a, c] = on as [number, number, number];
  const prepared = await env.acts[p]!.prepareWorktree({
    buildId: 'b1',
    taskId,
    attempt: 1,
    repoPath: '/nonexistent/checkout',
    buildBranch: BUILD,
    repoUrl: env.url,
  });
  const remote: RemoteTask = { url: env.url, branch: prepared.branch, buildId: 'b1', taskId };
  await withRemoteWorktree(
    fakeAgent(files),
    env.caches[a]!,
  )({
    buildId: 'b1',
    taskId,
    attempt: 1,
    model: 'fake',
    worktreePath: prepared.worktreePath,
    baseCommit: prepared.baseCommit,
    task: { id: taskId } as RunAgentInput['task'],
    budgetUsd: '1',
    remote,
  });
  const commit = await env.acts[c]!.commitTask({
    worktreePath: prepared.worktreePath,
    buildId: 'b1',
    taskId,
    model: 'fake',
    message: `Task ${taskId}`,
    remote,
  });
  return { prepared, commit, remote };
}

function merge(env: Env, worker: number, taskId: string, branch: string) {
  return env.acts[worker]!.mergeTask({
    repoPath: '/nonexistent/checkout',
    buildBranch: BUILD,
    branch,
    buildId: 'b1',
    taskId,
    repoUrl: env.url,
  });
}

async function start(env: Env) {
  await env.acts[0]!.ensureBuildBranch({
    repoPath: '/nonexistent/checkout',
    baseBranch: 'main',
    buildBranch: BUILD,
    repoUrl: env.url,
  });
}

describe('remote builds: cache clones and compare-and-swap merges', () => {
  it('creates the build branch on the remote from the base branch, and says so when the base is missing', async () => {
    const env = setup();
    await start(env);
    expect(env.remoteGit('rev-parse', BUILD)).toBe(env.remoteGit('rev-parse', 'main'));
    const missing = await failureOf(
      env.acts[1]!.ensureBuildBranch({
        repoPath: '/x',
        baseBranch: 'develop',
        buildBranch: 'br/b2',
        repoUrl: env.url,
      }),
    );
    expect(missing.type).toBe(FailureClass.BASE_BRANCH_MISSING);
  });

  it('refuses a task id that would put a worktree outside the cache', async () => {
    const env = setup(1);
    await start(env);
    const err = await failureOf(
      env.acts[0]!.prepareWorktree({
        buildId: 'b1',
        taskId: '../../escape',
        attempt: 1,
        repoPath: '/x',
        buildBranch: BUILD,
        repoUrl: env.url,
      }),
    );
    expect(err.type).toBe(FailureClass.INVALID_REQUEST);
  });

  it('runs each step of a task on a different worker: the agent work travels through the remote', async () => {
    const env = setup(3);
    await start(env);
    const checkoutBefore = repo.git('for-each-ref');
    const { prepared, commit } = await runTask(
      env,
      't1',
      { 'src/new.txt': 'hello\n', 'src/b.txt': null },
      [0, 1, 2],
    );
    expect(commit.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(env.remoteGit('rev-parse', prepared.branch)).toBe(commit.commit);
    // The handed-off work is dropped once it is committed.
    expect(() => env.remoteGit('rev-parse', '--verify', '--quiet', handoffRef(prepared.branch))).toThrow();
    await env.acts[1]!.verifyTask({
      worktreePath: prepared.worktreePath,
      command: 'test -f src/new.txt',
      timeoutSeconds: 30,
      remote: { url: env.url, branch: prepared.branch, buildId: 'b1', taskId: 't1' },
    }).catch((err: unknown) => {
      // The sandbox may be missing on a developer machine; the worktree is what this test is about.
      if ((err as { type?: string }).type !== FailureClass.SANDBOX_UNAVAILABLE) throw err;
    });
    const merged = await merge(env, 2, 't1', prepared.branch);
    expect(env.remoteGit('rev-parse', BUILD)).toBe(merged.mergeCommit);
    expect(env.remoteGit('show', `${BUILD}:src/new.txt`)).toBe('hello');
    // A file the agent deleted on one worker is deleted in the commit made on another.
    expect(env.remoteGit('ls-tree', '--name-only', `${BUILD}:src`).split('\n')).toEqual(['a.txt', 'new.txt']);
    // Idempotent: merging again (a retried activity) on another worker finds it merged.
    expect((await merge(env, 0, 't1', prepared.branch)).mergeCommit).toBe(merged.mergeCommit);

    await env.acts[0]!.cleanupTask({
      repoPath: '/nonexistent/checkout',
      worktreePath: prepared.worktreePath,
      branch: prepared.branch,
      repoUrl: env.url,
    });
    expect(env.remoteGit('branch', '--list', 'br/tasks/*')).toBe('');
    expect(existsSync(prepared.worktreePath)).toBe(false);
    // The checkout the remote was seeded from never saw any of it.
    expect(repo.git('for-each-ref')).toBe(checkoutBefore);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  // Six tasks through three cache clones take about 30 s of git on a loaded 2-core machine: the bound is slack.
  it('lands every task when merges race from different workers: no commit is lost', async () => {
    const env = setup(3);
    await start(env);
    const tasks = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const done = [];
    for (const [i, t] of tasks.entries())
      done.push(await runTask(env, t, { [`race/${t}.txt`]: `${t}\n` }, [i % 3, i % 3, i % 3]));
    const results = await Promise.all(done.map((d, i) => merge(env, i % 3, tasks[i]!, d.prepared.branch)));
    // The race did happen: some merges found the build branch moved by another worker and redid it.
    expect(results.reduce((n, r) => n + (r.lostRaces ?? 0), 0)).toBeGreaterThan(0);
    const tip = env.remoteGit('rev-parse', BUILD);
    for (const d of done)
      expect(() => env.remoteGit('merge-base', '--is-ancestor', d.commit.commit!, tip)).not.toThrow();
    for (const r of results)
      expect(() => env.remoteGit('merge-base', '--is-ancestor', r.mergeCommit, tip)).not.toThrow();
    const merges = env.remoteGit('log', '--merges', '--format=%s', BUILD).split('\n');
    expect(merges).toHaveLength(tasks.length);
    expect(env.remoteGit('ls-tree', '--name-only', `${BUILD}:race`).split('\n').sort()).toEqual(
      tasks.map((t) => `${t}.txt`),
    );
  }, 120_000);

  it("prunes a worker's stale worktrees at start; the next step makes them again from the remote", async () => {
    const env = setup(2);
    await start(env);
    const { prepared, remote } = await runTask(env, 'p1', { 'p.txt': 'p\n' }, [0, 0, 0]);
    const dir = path.join(env.caches[0]!, 'worktrees');
    expect(await pruneCache(env.caches[0]!)).toEqual([]);
    const pruned = await pruneCache(env.caches[0]!, 0);
    expect(pruned.length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('p.txt'))).toEqual([]);
    const again = await remoteTaskWorktree(remote, env.caches[0]!);
    expect(readFileSync(path.join(again, 'p.txt'), 'utf8')).toBe('p\n');
    await merge(env, 0, 'p1', prepared.branch);
    expect(env.remoteGit('show', `${BUILD}:p.txt`)).toBe('p');
  });

  it('a real conflict ends MERGE_CONFLICT and leaves the remote build branch where it was', async () => {
    const env = setup(2);
    await start(env);
    const a = await runTask(env, 'c1', { 'src/a.txt': 'one\nTWO from c1\nthree\n' }, [0, 0, 0]);
    const b = await runTask(env, 'c2', { 'src/a.txt': 'one\nTWO from c2\nthree\n' }, [1, 1, 1]);
    await merge(env, 0, 'c1', a.prepared.branch);
    const before = env.remoteGit('rev-parse', BUILD);
    const err = await failureOf(merge(env, 1, 'c2', b.prepared.branch));
    expect(err.type).toBe(FailureClass.MERGE_CONFLICT);
    expect(err.message).toContain('src/a.txt');
    expect(env.remoteGit('rev-parse', BUILD)).toBe(before);
  });
});
