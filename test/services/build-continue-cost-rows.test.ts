/**
 * Every request of a continued build keeps a cost row of its own (issue 27). A run of a build reuses
 * its workflow ids (`<build>/task-<id>`) and activity ids, so cost-row keys made of workflow id,
 * activity id and activity try were the same in the continued run as in the ended one: the new run's
 * estimate rows were not written (a duplicate key) and its answers settled the ended run's rows, so a
 * request lost when the build was cancelled had its row overwritten. Real server, `br worker`: cancel
 * with requests in flight, continue, and count rows against the requests the scripted server received.
 */
import Decimal from 'decimal.js';
import type { BuildResult } from '../../workflows/core/types';
import { connectClient, describeServer } from '../helpers/temporal';
import { workerBuild } from '../fixtures/continue/worker-build';

describeServer('cost rows of a continued build', () => {
  let slow = true;
  const real = workerBuild(
    {
      database: 'embedded',
      turnDelayMs: () => (slow ? 30_000 : 100),
      // The scripted agent only writes notes: its verification runs without bwrap on machines that lack it.
      config: { agent: { verifyCommand: 'npm test', sandbox: 'off' } },
    },
    120_000,
  );
  const { br } = real;

  it('keeps the rows of requests lost by a cancel, and gives the continued run a row per request', async () => {
    const started = await br(['build', 'start', 'PROJECT_SPEC.md', '--heuristic-plan', '--parallel', '2']);
    expect(started.code).toBe(0);
    const buildId = /Started build (\S+)/.exec(started.stdout)![1]!;
    const { client, close } = await connectClient();
    const db = await real.build.db();
    const rows = () => db.prisma.costEntry.findMany({ where: { buildId }, orderBy: { id: 'asc' } });
    try {
      const handle = client.workflow.getHandle(buildId);
      const deadline = Date.now() + 60_000;
      // Both tasks at work wait for their first answer (each takes 30 s): the cancel leaves them unanswered.
      while (real.build.arrivals.length < 2) {
        if (Date.now() > deadline) throw new Error('no requests in flight');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await br(['build', 'cancel', buildId])).code).toBe(0);
      expect(((await handle.result()) as BuildResult).outcome).toBe('CANCELLED');
      // The cancelled agents abort their requests as their heartbeats learn of the cancel.
      await new Promise((r) => setTimeout(r, 3000));
      const ended = await rows();
      const lost = ended.filter((r) => !r.settled);
      expect(lost.length).toBeGreaterThanOrEqual(1);
      const sentBefore = real.build.anthropic.requests.length;

      slow = false;
      const continued = await br(['build', 'continue', buildId, '--budget', '2']);
      expect([continued.code, continued.stderr]).toEqual([0, '']);
      // The cancelled run reported $0 spent; its requests are on record, and the budget counts them.
      const onRecord = ended.reduce((sum, r) => sum.plus(r.usd.toString()), new Decimal(0));
      expect(onRecord.gt(0)).toBe(true);
      expect(continued.stdout).toContain(
        `Spent so far $${onRecord.toString()}; budget now $${onRecord.plus(2).toString()}.`,
      );
      const second = (await handle.result()) as BuildResult;
      expect(second.outcome).toBe('SUCCEEDED');
      const after = await rows();
      const total = after.reduce((sum, r) => sum.plus(r.usd.toString()), new Decimal(0));
      expect(new Decimal(second.summary.spentUsd).toFixed(8)).toBe(total.toFixed(8));
      const line = (r: (typeof after)[number]) => `${r.idempotencyKey} ${r.settled} ${r.usd.toString()}`;
      // The ended run's rows are as they were, the lost requests still unsettled at their worst case.
      const kept = new Set(after.map(line));
      expect(ended.map(line).filter((l) => !kept.has(l))).toEqual([]);
      // And each request the continued run sent has a row of its own, settled by its answer.
      const sent = real.build.anthropic.requests.length - sentBefore;
      expect(sent).toBeGreaterThanOrEqual(5);
      const added = after.filter((r) => !ended.some((e) => e.id === r.id));
      expect([added.length, added.every((r) => r.settled)]).toEqual([sent, true]);
    } finally {
      await close();
    }
  }, 180_000);
});
