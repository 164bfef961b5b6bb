/**
 * `br build continue` keeps merged tasks without running them again, so it first checks that their
 * merges are still on the build branch (issue 27, attack): a branch the user deleted or forced back to
 * the base would otherwise give a run that ends SUCCEEDED without the kept work. A branch the user added
 * commits on top of passes, and their commits are never touched. Real git on a throwaway repository.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keptWorkProblem } from '../../services/build-continue-branch';
import type { CompactTaskState } from '../../workflows/core/types';

const BRANCH = 'br/build-shop-00000001';
let repo: string;
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).trim();
const commit = (file: string) => {
  writeFileSync(path.join(repo, file), file);
  git('add', file);
  git('commit', '-q', '-m', file);
  return git('rev-parse', 'HEAD');
};
let kept: Record<string, CompactTaskState>;

beforeEach(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'br-continue-branch-'));
  git('init', '-q', '-b', 'main');
  commit('base.txt');
  git('switch', '-q', '-c', BRANCH);
  const a = commit('a.txt');
  const b = commit('b.txt');
  git('switch', '-q', 'main');
  kept = {
    a: { state: 'SUCCEEDED', attempts: 1, costUsd: '0.01', mergeCommit: a, finishedAt: 1 },
    b: { state: 'SUCCEEDED', attempts: 1, costUsd: '0.01', mergeCommit: b, finishedAt: 2 },
    c: { state: 'FAILED', attempts: 3, costUsd: '0.02' },
  };
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

it('passes a branch that holds every merge, with the user’s commits on top', async () => {
  git('switch', '-q', BRANCH);
  const mine = commit('mine.txt');
  expect(await keptWorkProblem(repo, BRANCH, kept)).toBeNull();
  expect(git('rev-parse', BRANCH)).toBe(mine);
});

it('refuses a deleted build branch and says how to bring it back', async () => {
  git('branch', '-D', BRANCH);
  const problem = await keptWorkProblem(repo, BRANCH, kept);
  expect(problem).toMatch(/is gone from/);
  expect(problem).toContain(`git branch ${BRANCH} ${kept.b!.mergeCommit}`);
  expect(problem).toMatch(/a, b/);
});

it('refuses a branch forced back past a merge, naming the task whose work is missing', async () => {
  git('branch', '-f', BRANCH, kept.a!.mergeCommit!);
  const problem = await keptWorkProblem(repo, BRANCH, kept);
  expect(problem).toMatch(/no longer holds the work of merged tasks b \(/);
  expect(problem).not.toMatch(/a \(/);
  // Nothing was changed on the user's repository.
  expect(git('rev-parse', BRANCH)).toBe(kept.a!.mergeCommit);
});

it('refuses a branch forced onto the base', async () => {
  git('branch', '-f', BRANCH, 'main');
  expect(await keptWorkProblem(repo, BRANCH, kept)).toMatch(/tasks a \(.*b \(/);
});

it('has nothing to check with no merged task, or a repository not on this machine', async () => {
  git('branch', '-D', BRANCH);
  expect(await keptWorkProblem(repo, BRANCH, { c: kept.c! })).toBeNull();
  expect(await keptWorkProblem(path.join(repo, 'nowhere'), BRANCH, kept)).toBeNull();
});
