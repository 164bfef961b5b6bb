/**
 * `br build continue` on the real server (issue 27): a build whose one task the API refuses ends PARTIAL
 * (that task FAILED, its dependent BLOCKED, three merged); continued with a new budget, it SUCCEEDS and
 * the scripted server receives no request at all for the three merged tasks. Continuing a running, a
 * succeeded or an unknown build is refused with what to do, and starts nothing.
 */
import type { BuildResult } from '../../workflows/core/types';
import { errors } from '../fixtures/anthropic-server';
import { connectClient, describeServer } from '../helpers/temporal';
import { taskOf } from '../fixtures/temporal/real-build';
import { workerBuild } from '../fixtures/continue/worker-build';

/** The "Errors module" task (its id holds "error"); the Docs task depends on it. */
const isBroken = (task: string | null) => !!task && /error/.test(task);

describeServer('br build continue', () => {
  let broken = true;
  const real = workerBuild({
    database: 'embedded',
    turnDelayMs: 300,
    answer: (request) => (broken && isBroken(taskOf(request)) ? errors.invalidRequest() : undefined),
  });
  const { br, within } = real;

  it('continues a PARTIAL build to SUCCEEDED without a request for its merged tasks', async () => {
    const started = await br(['build', 'start', 'PROJECT_SPEC.md', '--heuristic-plan', '--budget', '5']);
    expect([started.code, started.stderr]).toEqual([0, expect.anything()]);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    const { client, close } = await connectClient();
    try {
      const first = (await within(client.workflow.getHandle(buildId).result(), 240_000)) as BuildResult;
      expect(first.outcome).toBe('PARTIAL');
      const before = real.build.requestsPerTask();
      const BROKEN = [...before.keys()].find(isBroken)!;
      const merged = [...before.keys()].filter((t) => t !== BROKEN);
      expect(merged).toHaveLength(3);

      const unknown = await br(['build', 'continue', 'build-nope-00000000']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr + unknown.stdout).toMatch(/No build "build-nope-00000000"/);

      broken = false;
      const continued = await br(['build', 'continue', buildId, '--budget', '2']);
      expect(continued.code).toBe(0);
      expect(continued.stdout).toMatch(/Kept \(merged, not run again\): /);
      expect(continued.stdout).toContain(`Running again: ${BROKEN}`);
      // While the new run runs, a second continue is refused and starts nothing.
      const again = await br(['build', 'continue', buildId]);
      expect(again.code).toBe(1);
      expect(again.stderr + again.stdout).toMatch(/still running.*br build watch/s);

      const second = (await within(client.workflow.getHandle(buildId).result(), 240_000)) as BuildResult;
      expect(second.outcome).toBe('SUCCEEDED');
      const after = real.build.requestsPerTask();
      for (const task of merged) expect([task, after.get(task)]).toEqual([task, before.get(task)]);
      expect(after.get(BROKEN)).toBeGreaterThan(before.get(BROKEN)!);
      expect(after.size).toBe(5);

      const done = await br(['build', 'continue', buildId]);
      expect(done.code).toBe(1);
      expect(done.stderr + done.stdout).toMatch(/SUCCEEDED: there is nothing to continue.*--rebuild/s);
    } finally {
      await close();
    }
  }, 600_000);
});
