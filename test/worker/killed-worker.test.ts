/**
 * A killed worker loses nothing: the worker is its own OS process (`br worker`), SIGKILLed while tasks
 * are inside the agent loop; a new worker process finishes the build. Finished tasks' agents never run
 * again, no Claude call is costed twice, no task branch or worktree is left behind, and the killed
 * in-flight agent runs again once the heartbeat timeout (AGENT_HEARTBEAT) notices the dead worker.
 * Once per engine: with agent.engine "claude-code" the killed agent is a Claude Code session.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { BuildResult } from '../../workflows/core/types';
import { AGENT_HEARTBEAT, GIT, GIT_HEARTBEAT } from '../../workflows/activity-profiles';
import { progressQuery } from '../../workflows/messages';
import { taskWorkflowId } from '../../workflows/core/port';
import { recordServerFixture } from '../fixtures/temporal/history/server-fixtures';
import { runBr } from '../helpers/cli';
import { ENGINES } from '../fixtures/engines';
import { connectClient, describeServer } from '../helpers/temporal';
import { historyTimeline } from '../helpers/history-timeline';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';
import { within } from '../helpers/within';

const HEARTBEAT_MS = Number.parseInt(AGENT_HEARTBEAT, 10) * 1000;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One `br worker` process, ready, and the 5-task build started by `br build start` (no key in the CLI). */
async function startOnOneWorker(build: RealBuild, workers: WorkerProcess[]) {
  const first = spawnWorker(build);
  workers.push(first);
  await workerReady(first);
  const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
  const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5'], {
    cwd: build.repo,
    env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
  });
  expect(started.code).toBe(0);
  return { first, buildId: /Started build (\S+)/.exec(started.stdout)![1]! };
}

for (const engine of ENGINES)
  describeServer(`a killed worker (${engine} engine)`, () => {
    let build: RealBuild;
    const workers: WorkerProcess[] = [];
    /** Answers are slow until the kill; the rest of the build runs on 200 ms answers. */
    let slow = true;

    beforeAll(async () => {
      // Each Claude answer takes 1.5 s, so a task spends ~3 s inside the agent loop.
      build = await setupRealBuild({
        database: 'embedded',
        turnDelayMs: () => (slow ? 1500 : 200),
        engine,
      });
    }, 120_000);

    afterAll(async () => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await build?.close();
    });

    it('loses nothing: SIGKILL during the agent loop, a new worker completes the build', async () => {
      const { first, buildId } = await startOnOneWorker(build, workers);
      const { client, close } = await connectClient();
      try {
        const handle = client.workflow.getHandle(buildId);
        // Kill once one task has finished and another is mid-conversation (its first turn answered or pending).
        const { finished, inFlight } = await until(
          'a finished task and one inside the agent loop',
          async () => {
            const progress = await handle.query(progressQuery);
            const finished = progress.tasks.filter((t) => t.state === 'SUCCEEDED').map((t) => t.id);
            const perTask = build.requestsPerTask();
            const inFlight = [...perTask].filter(([, n]) => n === 1).map(([task]) => task);
            // A request is waiting for its answer (each takes 1.5 s): the kill leaves it unanswered.
            const waiting = build.arrivals.some((a) => Date.now() - a.at < 900);
            return finished.length >= 1 && inFlight.length >= 1 && waiting
              ? { finished, inFlight }
              : undefined;
          },
          120_000,
        );
        const before = build.requestsPerTask();
        first.child.kill('SIGKILL');
        const killedAt = Date.now();
        // The request in flight keeps its 1.5 s answer (its delay was chosen when it arrived).
        slow = false;
        expect(await first.exited).toBe('SIGKILL');

        const second = spawnWorker(build);
        workers.push(second);
        await workerReady(second);
        const secondReadyAt = Date.now();
        const result = (await within(
          handle.result(),
          150_000,
          () => `build did not finish; second worker:\n${second.output()}`,
        )) as BuildResult;
        expect(result.outcome).toBe('SUCCEEDED');

        // The in-flight agent ran again (a new conversation), and soon.
        const pickedUp = build.arrivals.find((a) => a.first && a.at > killedAt && inFlight.includes(a.task));
        expect(pickedUp).toBeDefined();
        const pickupMs = pickedUp!.at - killedAt;
        console.log(
          `killed worker: in-flight agent (${pickedUp!.task}) re-ran ${(pickupMs / 1000).toFixed(1)} s after SIGKILL (heartbeat timeout ${AGENT_HEARTBEAT}), second worker ready after ${((secondReadyAt - killedAt) / 1000).toFixed(1)} s`,
        );
        // Where a slow takeover's seconds went: the task's and the build's histories around the kill.
        if (pickupMs > 2 * HEARTBEAT_MS + 5000 || process.env.BR_TAKEOVER_TIMELINE)
          for (const id of [taskWorkflowId(buildId, pickedUp!.task), buildId])
            console.log(
              `${id} around the kill:\n${(await historyTimeline(client, id, killedAt)).join('\n')}`,
            );
        // The server notices the dead worker after the heartbeat timeout and the try runs again at once
        // (worker lost), as soon as a worker polls: here the new one, which takes a while to start on a
        // loaded machine. `npm run bench -- takeover` measures the takeover with a worker already up.
        // The kills that took ~61 s had caught the build workflow's own record step (emitEvents,
        // recordTask) on the dying worker: noticed only at its 1-minute start-to-close, while the build
        // loop held the retry's reservation behind it. Records now heartbeat (RECORD_HEARTBEAT, 10 s), so
        // that case ends with the agent's own heartbeat timeout too. 30 s of slack for a loaded machine
        // (42.6 s with the new worker ready at 24.2 s was seen at load 20 on 2 cores); 61 s still fails.
        const due = Math.max(2 * HEARTBEAT_MS + 5000, secondReadyAt - killedAt);
        expect(pickupMs).toBeLessThan(due + 30_000);

        const after = build.requestsPerTask();
        const conversations = build.conversationsPerTask();
        for (const task of finished) {
          expect([task, after.get(task)]).toEqual([task, before.get(task)]);
          expect([task, conversations.get(task)]).toEqual([task, 1]);
        }
        expect([...after.keys()].sort()).toHaveLength(5);

        const db = await build.db();
        const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
        // Every request the scripted server received has its row: settled by its answer, or left
        // unsettled (at its worst-case price) by the kill; finished tasks exactly one settled row per call.
        for (const [task, requests] of after)
          expect([task, rows.filter((r) => r.taskKey === task).length]).toEqual([task, requests]);
        const unsettled = rows.filter((r) => !r.settled);
        expect(unsettled.length).toBeGreaterThanOrEqual(1);
        // The budget counts every request on record, the lost ones at their worst case, once each; so do
        // the attempt rows (the killed try's too) that `br build status` sums per task.
        const onRecord = rows.reduce((sum, r) => sum.plus(r.usd.toString()), new Decimal(0));
        expect(new Decimal(result.summary.spentUsd).toFixed(8)).toBe(onRecord.toFixed(8));
        const status = await runBr(['build', 'status', buildId], { cwd: build.repo, env: build.env });
        expect(status.stdout).toMatch(
          new RegExp(
            `Recorded cost: \\$[0-9.]+ \\+ ≤ \\$[0-9.]+ unsettled \\(${unsettled.length} requests? in flight or lost`,
          ),
        );
        for (const task of finished)
          expect(rows.filter((r) => r.taskKey === task && r.settled)).toHaveLength(2);
        const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
        expect(attempts.filter((a) => a.outcome === 'SUCCEEDED')).toHaveLength(5);
        const attemptsUsd = attempts.reduce((sum, a) => sum.plus(a.costUsd.toString()), new Decimal(0));
        expect(attemptsUsd.toFixed(8)).toBe(onRecord.toFixed(8));
        expect(build.leftovers()).toEqual({ branches: [], worktrees: [] });
        // The engine is chosen inside the agent activity: both engines' histories have the same commands.
        if (engine === 'builtin') {
          await recordServerFixture(client, buildId, 'killed-worker-build');
          await recordServerFixture(client, taskWorkflowId(buildId, pickedUp!.task), 'killed-worker-task');
        }
      } finally {
        await close();
      }
    }, 300_000);
  });

/** Running pre-merge-commit hooks of the test repository, by the task commit each is merging. */
function mergeHooksRunning(): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'brmergehook'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /brmergehook ([0-9a-f]{40})/.exec(l)?.[1])
      .filter((sha): sha is string => !!sha);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describeServer('a worker killed during a merge', () => {
  let build: RealBuild;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    build = await setupRealBuild({ database: 'embedded' });
    // Every merge waits 4 s in its pre-merge-commit hook (run in the sandbox while the merge is half
    // done: MERGE_HEAD set, the repository's merge lock held), naming the commit it merges; after the
    // kill, only the killed merge (its re-run) does (slowMergeOnly).
    const hook = path.join(build.repo, '.git/hooks/pre-merge-commit');
    writeFileSync(hook, `#!/bin/sh\nexec sh -c 'sleep 4' brmergehook "$(git rev-parse MERGE_HEAD)"\n`);
    chmodSync(hook, 0o755);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await build?.close();
  });

  /** The hook waits only when it merges `commit`; the other merges go through at once. */
  function slowMergeOnly(commit: string): void {
    const hook = path.join(build.repo, '.git/hooks/pre-merge-commit');
    // Replaced whole (rename), never rewritten in place under a running hook.
    writeFileSync(
      `${hook}.new`,
      `#!/bin/sh\nhead="$(git rev-parse MERGE_HEAD)"\n[ "$head" = ${commit} ] || exit 0\nexec sh -c 'sleep 4' brmergehook "$head"\n`,
    );
    chmodSync(`${hook}.new`, 0o755);
    renameSync(`${hook}.new`, hook);
  }

  it('loses nothing: SIGKILL inside a merge, a new worker merges every task exactly once', async () => {
    const { first, buildId } = await startOnOneWorker(build, workers);
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      const merging = await until(
        'a merge inside its pre-merge-commit hook',
        async () => mergeHooksRunning()[0],
        120_000,
      );
      const conversationsBefore = build.conversationsPerTask();
      slowMergeOnly(merging);
      first.child.kill('SIGKILL');
      const killedAt = Date.now();
      expect(await first.exited).toBe('SIGKILL');

      const second = spawnWorker(build);
      workers.push(second);
      await workerReady(second);
      const secondReadyAt = Date.now();
      // The same merge starts again once the heartbeat timeout notices the dead worker.
      await until(
        'the killed merge to run again',
        async () => (mergeHooksRunning().includes(merging) ? true : undefined),
        150_000,
      );
      const pickupMs = Date.now() - killedAt;
      console.log(
        `killed worker during a merge: the merge re-ran ${(pickupMs / 1000).toFixed(1)} s after SIGKILL (heartbeat timeout ${String(GIT.heartbeatTimeout)})`,
      );
      const due = Math.max(Number.parseInt(GIT_HEARTBEAT, 10) * 1000 + 5000, secondReadyAt - killedAt);
      expect(pickupMs).toBeLessThan(due + 15_000);

      const result = (await within(
        handle.result(),
        150_000,
        () => `build did not finish; second worker:\n${second.output()}`,
      )) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');

      // Every task merged exactly once on the build branch, and the killed task's agent never ran again.
      const merges = execFileSync('git', ['log', '--format=%s', `br/${buildId}`], {
        cwd: build.repo,
        encoding: 'utf8',
      })
        .split('\n')
        .filter((l) => l.startsWith('Merge task '));
      const tasks = [...build.conversationsPerTask().keys()].sort();
      expect(tasks).toHaveLength(5);
      expect(merges.map((m) => /^Merge task (\S+)/.exec(m)![1]).sort()).toEqual(tasks);
      for (const [task, n] of conversationsBefore)
        expect([task, build.conversationsPerTask().get(task)]).toEqual([task, n]);
      expect([...build.conversationsPerTask().values()].every((n) => n === 1)).toBe(true);

      const db = await build.db();
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      for (const task of tasks)
        expect([task, rows.filter((r) => r.taskKey === task).length]).toEqual([task, 2]);
      expect(build.leftovers()).toEqual({ branches: [], worktrees: [] });
      await recordServerFixture(client, buildId, 'killed-merge-build');
    } finally {
      await close();
    }
  }, 400_000);
});
