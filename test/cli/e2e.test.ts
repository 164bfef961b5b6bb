/**
 * End to end on the run's real Temporal dev server: `br build start --watch` on the example repository
 * with real activities (git worktrees, commits through the repository's hooks, verification, merges),
 * the real Anthropic SDK talking to the scripted server, on the embedded database served to the worker
 * and on PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { startWorkers, type RunningWorkers } from '../../worker/run';
import { createContext } from '../../services/context';
import { postgresUrl } from '../helpers/db';
import { runBr } from '../helpers/cli';
import { describeServer, serverBundle } from '../helpers/temporal';
import { setupRealBuild, type DatabaseKind, type RealBuild } from '../fixtures/temporal/real-build';

const kinds: DatabaseKind[] = postgresUrl ? ['embedded', 'postgres'] : ['embedded'];

describeServer('br build start --watch on the example', () => {
  describe.each(kinds)('on the %s database', (kind) => {
    let build: RealBuild;
    let workers: RunningWorkers;

    beforeAll(async () => {
      build = await setupRealBuild({ database: kind });
      const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...build.env } });
      workers = await startWorkers(ctx, { workflowBundle: await serverBundle() });
    }, 240_000);

    afterAll(async () => {
      await workers?.shutdown();
      await build?.close();
    });

    it('succeeds, merges every task, records one cost row per Claude call and never shows the key', async () => {
      const { ANTHROPIC_API_KEY: key, ...cliEnv } = build.env;
      const result = await runBr(
        ['build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5', '--watch'],
        { cwd: build.repo, env: { ...cliEnv, ANTHROPIC_API_KEY: undefined } },
      );
      expect(result.stdout).toMatch(/ done SUCCEEDED /);
      expect(result.code).toBe(0);
      const buildId = /Started build (\S+)/.exec(result.stdout)![1]!;

      const db = await build.db();
      const tasks = await db.prisma.task.findMany({ where: { buildId }, orderBy: { taskKey: 'asc' } });
      expect(tasks.length).toBe(5);
      expect(tasks.map((t) => t.status)).toEqual(Array(5).fill('SUCCEEDED'));
      expect(tasks.some((t) => t.dependsOn.length > 0)).toBe(true);
      const merged = execFileSync('git', ['ls-tree', '-r', '--name-only', `br/${buildId}`, 'notes'], {
        cwd: build.repo,
        encoding: 'utf8',
      });
      expect(merged.trim().split('\n').sort()).toEqual(tasks.map((t) => `notes/${t.taskKey}.md`).sort());

      // One cost row per Claude call: two calls (write, finish) per task.
      expect(await db.prisma.costEntry.count({ where: { buildId } })).toBe(build.anthropic.requests.length);
      expect([...build.requestsPerTask().values()]).toEqual(Array(5).fill(2));
      const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual(Array(5).fill([1, 'SUCCEEDED']));
      const events = await db.prisma.telemetryEvent.findMany({ where: { buildId } });
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect([count('BUILD_STARTED'), count('BUILD_COMPLETED')]).toEqual([1, 1]);
      expect([count('TASK_STARTED'), count('TASK_COMPLETED'), count('TASK_FAILED')]).toEqual([5, 5, 0]);
      const buildRow = await db.prisma.build.findUniqueOrThrow({ where: { id: buildId } });
      expect(buildRow.status).toBe('SUCCEEDED');

      // No task branch or task worktree is left behind (the build branch keeps its `.merge` checkout).
      expect(build.leftovers()).toEqual({ branches: [], worktrees: [] });

      expect(result.stdout + result.stderr).not.toContain(key);
      for (const request of build.anthropic.requests) expect(request.rawBody).not.toContain(key);
      const costs = await runBr(['costs', '--build', buildId, '--json'], { cwd: build.repo, env: cliEnv });
      expect(costs.code).toBe(0);
      expect(costs.stdout).not.toContain(key);
    }, 600_000);
  });
});
