/**
 * `br build continue` options on the real server (issue 27), with one `br worker` and the scripted
 * Anthropic server counting every request: a BUDGET_EXHAUSTED build continued with a new budget
 * SUCCEEDS, its spent total carried over and `--budget` what may still be spent; `--only` runs only
 * the tasks named (the others stay as they ended and get no request); `--model` is the model the
 * scripted server sees for the tasks that run again; and what is refused (a running, a succeeded or an
 * unknown build, a bad budget) starts nothing. Each scenario builds its own spec in the one repository.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { BuildResult } from '../../workflows/core/types';
import { buildBranchName } from '../../lib/ids';
import { errors, type RecordedRequest } from '../fixtures/anthropic-server';
import { connectClient, describeServer } from '../helpers/temporal';
import { FIVE_TASK_SPEC, taskOf } from '../fixtures/temporal/real-build';
import { workerBuild } from '../fixtures/continue/worker-build';

const ERRORS = 'errors-module-1';
const REMOVE = 'store-remove-1';

describeServer('br build continue: budget, --only, --model and refusals', () => {
  /** Tasks whose every request the scripted server refuses (400: not retryable, the task FAILS). */
  const broken = new Set<string>();
  const real = workerBuild({
    database: 'embedded',
    turnDelayMs: 200,
    // A build whose budget ran out ends BUDGET_EXHAUSTED after 3 s without a raise (24 h by default).
    config: { budget: { waitMinutes: 0.05 } },
    answer: (request) => {
      const task = taskOf(request);
      return task && broken.has(task) ? errors.invalidRequest() : undefined;
    },
  });
  const { br } = real;
  /** A spec of its own (the five tasks, a note that changes the build id), committed; its build started. */
  async function start(name: string, ...args: string[]): Promise<string> {
    const file = `${name}.md`;
    writeFileSync(
      path.join(real.build.repo, file),
      `${FIVE_TASK_SPEC}\n## Notes\n\nScenario ${name}, run ${real.build.taskQueue}.\n`,
    );
    const git = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], {
        cwd: real.build.repo,
      });
    git('add', file);
    git('commit', '-q', '-m', name);
    const started = await br(['build', 'start', file, '--heuristic-plan', ...args]);
    expect([started.code, started.stderr]).toEqual([0, expect.anything()]);
    return /Started build (\S+)/.exec(started.stdout)![1]!;
  }
  const result = async (buildId: string): Promise<BuildResult> => {
    const { client, close } = await connectClient();
    try {
      return (await real.within(client.workflow.getHandle(buildId).result(), 240_000)) as BuildResult;
    } finally {
      await close();
    }
  };
  const runIdOf = async (buildId: string) => {
    const { client, close } = await connectClient();
    try {
      const d = await client.workflow.getHandle(buildId).describe();
      return { runId: d.runId, status: d.status.name };
    } finally {
      await close();
    }
  };
  const since = (n: number) => real.build.anthropic.requests.slice(n);
  const perTask = (requests: RecordedRequest[]) => {
    const counts = new Map<string, number>();
    for (const r of requests) counts.set(taskOf(r)!, (counts.get(taskOf(r)!) ?? 0) + 1);
    return counts;
  };

  it('continues a BUDGET_EXHAUSTED build with a new budget to SUCCEEDED: the spent total carries over', async () => {
    const buildId = await start('budget', '--budget', '0.0016', '--parallel', '1');
    const first = await result(buildId);
    expect(first.outcome).toBe('BUDGET_EXHAUSTED');
    const spent = new Decimal(first.summary.spentUsd);
    expect(spent.gte('0.0016')).toBe(true);
    expect(first.summary.tasks.SUCCEEDED).toBeGreaterThanOrEqual(1);
    expect(first.summary.tasks.CANCELLED).toBeGreaterThanOrEqual(1);

    const before = real.build.anthropic.requests.length;
    const continued = await br(['build', 'continue', buildId, '--budget', '1']);
    expect([continued.code, continued.stderr]).toEqual([0, '']);
    expect(continued.stdout).toContain(
      `Spent so far $${first.summary.spentUsd}; budget now $${spent.plus(1).toString()}.`,
    );
    const second = await result(buildId);
    expect(second.outcome).toBe('SUCCEEDED');
    expect(second.summary.tasks.SUCCEEDED).toBe(5);
    // The total carries over; the new budget is what was spent plus what may still be spent.
    expect(second.summary.budgetUsd).toBe(spent.plus(1).toString());
    expect(new Decimal(second.summary.spentUsd).gt(spent)).toBe(true);
    // Kept tasks get no request; the tasks that run again are the ones the budget stopped.
    const listed = (label: string) => new RegExp(`${label}: (.*)`).exec(continued.stdout)![1]!.split(', ');
    const kept = listed('Kept \\(merged, not run again\\)');
    expect(kept).toHaveLength(first.summary.tasks.SUCCEEDED);
    expect([...perTask(since(before)).keys()].sort()).toEqual(listed('Running again').sort());
    for (const task of kept) expect([task, perTask(since(before)).get(task)]).toEqual([task, undefined]);
  }, 600_000);

  it('runs only the --only tasks on the --model model; the others stay as they ended and get no request', async () => {
    broken.add(ERRORS).add(REMOVE);
    const buildId = await start('only');
    const first = await result(buildId);
    expect(first.outcome).toBe('PARTIAL');
    expect(first.summary.tasks).toMatchObject({ SUCCEEDED: 1, FAILED: 2, BLOCKED: 2 });
    broken.clear();

    const before = real.build.anthropic.requests.length;
    const continued = await br([
      'build',
      'continue',
      buildId,
      '--only',
      ERRORS,
      '--model',
      'claude-opus-5-5',
    ]);
    expect([continued.code, continued.stderr]).toEqual([0, '']);
    expect(continued.stdout).toContain(`Running again: ${ERRORS}\n`);
    const second = await result(buildId);
    // The errors task merged; the remove task is still FAILED and the two it blocks still BLOCKED.
    expect(second.outcome).toBe('PARTIAL');
    expect(second.summary.tasks).toMatchObject({ SUCCEEDED: 2, FAILED: 1, BLOCKED: 2 });
    expect(second.summary.failedTasks.map((t) => t.id)).toEqual([REMOVE]);
    const sent = since(before);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect([...perTask(sent).keys()]).toEqual([ERRORS]);
    // It started on Opus (its tier was Sonnet), as the scripted server saw.
    expect(new Set(sent.map((r) => (r.body as { model: string }).model))).toEqual(
      new Set(['claude-opus-5-5']),
    );

    // Continued again without --only, the rest run and the build SUCCEEDS; the two merged tasks get nothing.
    const next = real.build.anthropic.requests.length;
    expect((await br(['build', 'continue', buildId])).code).toBe(0);
    expect((await result(buildId)).outcome).toBe('SUCCEEDED');
    expect([...perTask(since(next)).keys()].sort()).toEqual(
      [REMOVE, 'docs-1', 'http-patch-and-delete-1'].sort(),
    );
  }, 600_000);

  it('refuses a build branch forced back past its merges; two racing continues start one run', async () => {
    broken.add(ERRORS);
    const buildId = await start('branch');
    const first = await result(buildId);
    expect(first.outcome).toBe('PARTIAL');
    broken.clear();
    const ended = await runIdOf(buildId);
    const branch = buildBranchName(buildId);
    const git = (...a: string[]) => execFileSync('git', a, { cwd: real.build.repo, encoding: 'utf8' }).trim();
    const tip = git('rev-parse', branch);
    // The user forces the build branch back to the base (it is checked out in the build's merge worktree,
    // so `git branch -f` refuses; update-ref does not): the merged tasks' work is no longer on it.
    git('update-ref', `refs/heads/${branch}`, 'main');
    const before = real.build.anthropic.requests.length;
    const moved = await br(['build', 'continue', buildId, '--json']);
    expect(moved.code).toBe(1);
    expect(JSON.parse(moved.stderr)).toMatchObject({
      code: 'BUILD_BRANCH_MOVED',
      message: expect.stringMatching(/no longer holds the work of merged tasks/),
    });
    expect(await runIdOf(buildId)).toEqual(ended);
    expect(git('rev-parse', branch)).toBe(git('rev-parse', 'main'));

    // Brought back, two continues at once: one starts the run, the other is refused and starts nothing.
    git('update-ref', `refs/heads/${branch}`, tip);
    const racing = await Promise.all([
      br(['build', 'continue', buildId]),
      br(['build', 'continue', buildId]),
    ]);
    expect(racing.map((r) => r.code).sort()).toEqual([0, 1]);
    const won = racing.find((r) => r.code === 0)!;
    const lost = racing.find((r) => r.code === 1)!;
    expect(lost.stderr).toMatch(/still running|started again a moment ago/);
    expect(lost.stderr).not.toMatch(/\n\s+at /);
    const runId = /new run (\S+)\./.exec(won.stdout)![1];
    expect((await result(buildId)).outcome).toBe('SUCCEEDED');
    expect((await runIdOf(buildId)).runId).toBe(runId);
    expect(real.build.anthropic.requests.length).toBeGreaterThan(before);
  }, 600_000);

  it('refuses to continue a running, a succeeded or an unknown build, or a bad budget, and starts nothing', async () => {
    const buildId = await start('refusals');
    const running = await runIdOf(buildId);
    const whileRunning = await br(['build', 'continue', buildId]);
    expect(whileRunning.code).toBe(1);
    expect(whileRunning.stderr).toMatch(new RegExp(`still running.*br build watch ${buildId}`, 's'));
    expect(await runIdOf(buildId)).toMatchObject({ runId: running.runId });

    expect((await result(buildId)).outcome).toBe('SUCCEEDED');
    const succeeded = await br(['build', 'continue', buildId, '--budget', '3']);
    expect(succeeded.code).toBe(1);
    expect(succeeded.stderr).toMatch(/SUCCEEDED: there is nothing to continue.*br build start --rebuild/s);
    expect(await runIdOf(buildId)).toEqual({ runId: running.runId, status: 'COMPLETED' });

    const unknown = await br(['build', 'continue', 'build-todo-api-00000000', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr)).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/No build "build-todo-api-00000000"/),
    });
    await expect(runIdOf('build-todo-api-00000000')).rejects.toThrow(/not found/i);

    // A budget wrong on its face is a usage error (exit 2), checked before anything is looked up.
    const zero = await br(['build', 'continue', buildId, '--budget', '0']);
    expect(zero.code).toBe(2);
    expect(await runIdOf(buildId)).toEqual({ runId: running.runId, status: 'COMPLETED' });
  }, 600_000);
});
