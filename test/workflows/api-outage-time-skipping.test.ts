/**
 * An API outage at the scale (issue 27): every request fails for 10 minutes of server time, then
 * the API recovers. A real build (real activities, git, verification, the embedded database, the
 * Anthropic client against the scripted server) runs on Temporal's time-skipping test server. The
 * scripted server answers 529 on every model until the server's clock (asked at each request) has
 * passed 10 minutes after the first request. The outage waits are workflow timers (fallback.ts /
 * outage.ts), which the test server skips once every activity has finished; while an activity runs
 * the server holds its clock, so activities, their heartbeats and the requests run in real time.
 */
import { INSTALL_HINT, locateTemporalBinary } from '../../services/temporal-binaries';
import { errors } from '../fixtures/anthropic-server';
import { describeServer } from '../helpers/temporal';
import { startTimeSkippingBuild, type TimeSkippingBuild } from '../fixtures/temporal/time-skipping-build';
import { taskOf, type RealBuild } from '../fixtures/temporal/real-build';

const OUTAGE_MS = 10 * 60_000;
const HAIKU = 'claude-haiku-5-5';
const SONNET = 'claude-sonnet-5-5';
const available = Boolean(locateTemporalBinary('test-server'));
if (!available) process.env.BR_TEST_TEMPORAL_SKIP ??= `no \`temporal-test-server\` found: ${INSTALL_HINT}`;

const THREE_TASK_SPEC = `# Outage

## Alpha

- [ ] Add \`src/alpha.js\`

## Beta

- [ ] Add \`src/beta.js\`

## Gamma

- [ ] Add \`src/gamma.js\`
`;

describeServer(
  'an API outage on every model for 10 minutes of server time',
  () => {
    let harness: TimeSkippingBuild;
    let build: RealBuild;
    let outageStart: number | undefined;
    const seen: { task: string | null; model: string; at: number; refused: boolean }[] = [];

    beforeAll(async () => {
      harness = await startTimeSkippingBuild({
        spec: THREE_TASK_SPEC,
        config: { routing: { maxAttemptsPerTask: 2 } },
        answer: (request, at) => {
          outageStart ??= at;
          const refused = at - outageStart < OUTAGE_MS;
          seen.push({ task: taskOf(request), model: String(request.body?.model), at, refused });
          return refused ? errors.overloaded() : undefined;
        },
      });
      build = harness.build;
    }, 180_000);

    afterAll(async () => {
      await harness?.close();
    });

    it('is waited out on workflow time: the build succeeds, every task on its first model or its overload fallback, none failed', async () => {
      const wallStart = Date.now();
      const { buildId, result } = await harness.run({ parallel: 3 });
      const wallMs = Date.now() - wallStart;

      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 3, FAILED: 0 });
      const refused = seen.filter((s) => s.refused);
      const answered = seen.filter((s) => !s.refused);
      // The outage spanned 10 minutes of server time, and nothing got through before its end.
      expect(Math.min(...answered.map((s) => s.at)) - outageStart!).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(refused.length).toBeGreaterThanOrEqual(3 * 5);

      // Each task's request that got through went to the model its first request asked for, or to the
      // model an overload of that one falls back to: the waits probe it now and then (after 2, 4, 8, …
      // refused probes of the first model, patch 'outage-probe-others'), as it may be back before the
      // first. Never a model further up the ladder.
      const byTask = new Map<string, typeof seen>();
      for (const s of seen) if (s.task) byTask.set(s.task, [...(byTask.get(s.task) ?? []), s]);
      expect(byTask.size).toBe(3);
      for (const [task, requests] of byTask) {
        const first = requests[0]!.model;
        const through = requests.find((r) => !r.refused)!.model;
        expect([task, first]).toEqual([task, HAIKU]);
        expect([task, [HAIKU, SONNET].includes(through)]).toEqual([task, true]);
        // Most probes go to the first model.
        const probes = requests.filter((r) => r.refused).slice(2);
        expect(probes.filter((r) => r.model === HAIKU).length).toBeGreaterThan(probes.length / 2);
      }

      const db = await build.db();
      const attempts = await db.prisma.taskAttempt.findMany({ where: { buildId } });
      expect(attempts.filter((a) => a.outcome === 'SUCCEEDED')).toHaveLength(3);
      const waits = attempts.filter((a) => a.decision?.startsWith('API unavailable'));
      expect(waits.length).toBeGreaterThan(0);
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      expect(rows).toHaveLength(build.anthropic.requests.length);
      expect(rows.filter((r) => r.settled && Number(r.usd) === 0)).toHaveLength(refused.length);
      console.log(
        `API outage of ${OUTAGE_MS / 60_000} min server time: ${refused.length} requests answered 529, ` +
          `${waits.length} waits (last: "${waits.at(-1)!.decision}"), build done in ${(wallMs / 1000).toFixed(1)} s wall time`,
      );
    }, 300_000);
  },
  { available },
);
