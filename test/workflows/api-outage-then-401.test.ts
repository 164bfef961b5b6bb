/**
 * An API outage that ends in a rejected key (issue 27): every request is answered 529 for 3 minutes of
 * server time, then 401 (invalid x-api-key) for good. The build must not wait the 401 out as part of
 * the outage, nor fall back to other models for it: each task stops at its first 401 with AUTH, and the
 * build ends, reporting the auth failure. Same harness as api-outage-time-skipping.test.ts (real
 * activities on Temporal's time-skipping server, the scripted Anthropic server asking the server's clock).
 */
import { INSTALL_HINT, locateTemporalBinary } from '../../services/temporal-binaries';
import { errors } from '../fixtures/anthropic-server';
import { describeServer } from '../helpers/temporal';
import { startTimeSkippingBuild, type TimeSkippingBuild } from '../fixtures/temporal/time-skipping-build';
import { taskOf, type RealBuild } from '../fixtures/temporal/real-build';

const OUTAGE_MS = 3 * 60_000;
const available = Boolean(locateTemporalBinary('test-server'));
if (!available) process.env.BR_TEST_TEMPORAL_SKIP ??= `no \`temporal-test-server\` found: ${INSTALL_HINT}`;

const FOUR_TASK_SPEC = `# Outage then a rejected key

## Alpha

- [ ] Add \`src/alpha.js\`

## Beta

- [ ] Add \`src/beta.js\`

## Gamma

- [ ] Add \`src/gamma.js\`

## Delta

- [ ] Add \`src/delta.js\`
`;

describeServer(
  'an API outage that ends in 401 (the key was revoked)',
  () => {
    let harness: TimeSkippingBuild;
    let build: RealBuild;
    let outageStart: number | undefined;
    const seen: { task: string | null; model: string; at: number; status: 529 | 401 }[] = [];

    beforeAll(async () => {
      harness = await startTimeSkippingBuild({
        spec: FOUR_TASK_SPEC,
        answer: (request, at) => {
          outageStart ??= at;
          const status = at - outageStart < OUTAGE_MS ? 529 : 401;
          seen.push({ task: taskOf(request), model: String(request.body?.model), at, status });
          return status === 529 ? errors.overloaded() : errors.unauthorized();
        },
      });
      build = harness.build;
    }, 180_000);

    afterAll(async () => {
      await harness?.close();
    });

    it('stops each task at its first 401 with AUTH: no outage wait, no other model, nothing billed', async () => {
      const { buildId, result } = await harness.run({ parallel: 2 });

      expect(result.outcome).not.toBe('SUCCEEDED');
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 0, FAILED: 4 });
      // The outage was waited out (529s on every model), then every task met the rejected key once.
      expect(seen.filter((s) => s.status === 529).length).toBeGreaterThanOrEqual(2);
      const rejected = seen.filter((s) => s.status === 401);
      const byTask = new Map<string, number>();
      for (const s of rejected) byTask.set(s.task!, (byTask.get(s.task!) ?? 0) + 1);
      expect([...byTask.entries()].sort()).toEqual([...byTask.keys()].sort().map((t) => [t, 1]));
      expect(byTask.size).toBe(4);

      const db = await build.db();
      const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId }, orderBy: { id: 'asc' } });
      const last = new Map(attempts.map((a) => [a.taskKey, a]));
      for (const [task, a] of last) expect([task, a.failureClass]).toEqual([task, 'AUTH']);
      // No try after a 401 and no escalation for it: a 401's try is each task's last.
      expect(attempts.filter((a) => a.failureClass === 'AUTH')).toHaveLength(4);
      const tasks = await db.prisma.task.findMany({ where: { buildId } });
      for (const t of tasks)
        expect([t.taskKey, t.status, t.error]).toEqual([
          t.taskKey,
          'FAILED',
          expect.stringMatching(/key|AUTH/i),
        ]);
      // Every request on record, none of them billed (529 and 401 answers cost nothing).
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      expect(rows).toHaveLength(seen.length);
      expect(rows.every((r) => r.settled && Number(r.usd) === 0)).toBe(true);
      console.log(
        `outage then 401: ${seen.length - rejected.length} requests answered 529, ${rejected.length} answered 401, outcome ${result.outcome}`,
      );
    }, 300_000);
  },
  { available },
);
