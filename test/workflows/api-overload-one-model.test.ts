/**
 * An overload that only one model has (issue 27) falls back to another model, on Temporal's
 * time-skipping test server with real activities (api-outage-time-skipping.test.ts has the harness):
 * Haiku answers 529 all along, Sonnet only for its first 20 s of server time (one 529 each for the
 * tasks that fell back to it at once). Before patch 'outage-probe-others', the two overloaded models
 * made each task take it for an outage on every model: it probed only Haiku, for the whole
 * anthropic.outageWaitMinutes (60 min of server time), and moved to Sonnet only then.
 */
import { INSTALL_HINT, locateTemporalBinary } from '../../services/temporal-binaries';
import { errors } from '../fixtures/anthropic-server';
import { describeServer } from '../helpers/temporal';
import { startTimeSkippingBuild, type TimeSkippingBuild } from '../fixtures/temporal/time-skipping-build';
import { taskOf } from '../fixtures/temporal/real-build';

const HAIKU = 'claude-haiku-5-5';
const SONNET = 'claude-sonnet-5-5';
const SONNET_BLIP_MS = 20_000;
const available = Boolean(locateTemporalBinary('test-server'));
if (!available) process.env.BR_TEST_TEMPORAL_SKIP ??= `no \`temporal-test-server\` found: ${INSTALL_HINT}`;

const SPEC = `# One model overloaded

## Alpha

- [ ] Add \`src/alpha.js\`

## Beta

- [ ] Add \`src/beta.js\`
`;

describeServer(
  'an overload of one model, with one 529 from the model it falls back to',
  () => {
    let harness: TimeSkippingBuild;
    let start: number | undefined;
    const seen: { task: string | null; model: string; at: number; refused: boolean }[] = [];

    beforeAll(async () => {
      harness = await startTimeSkippingBuild({
        spec: SPEC,
        config: { routing: { maxAttemptsPerTask: 2 } },
        answer: (request, at) => {
          start ??= at;
          const model = String(request.body?.model);
          const refused = model === HAIKU || (model === SONNET && at - start < SONNET_BLIP_MS);
          seen.push({ task: taskOf(request), model, at, refused });
          return refused ? errors.overloaded() : undefined;
        },
      });
    }, 180_000);

    afterAll(async () => {
      await harness?.close();
    });

    it('goes on on the other model within minutes, not after the outage limit; no task failed', async () => {
      const { buildId, result } = await harness.run({ parallel: 2 });
      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.summary.tasks).toMatchObject({ SUCCEEDED: 2, FAILED: 0 });

      const byTask = new Map<string, typeof seen>();
      for (const s of seen) if (s.task) byTask.set(s.task, [...(byTask.get(s.task) ?? []), s]);
      expect(byTask.size).toBe(2);
      for (const [task, requests] of byTask) {
        const through = requests.find((r) => !r.refused)!;
        expect([task, requests[0]!.model, through.model]).toEqual([task, HAIKU, SONNET]);
        // Server time from the task's first request to the one that got through: minutes, not the hour.
        expect(through.at - requests[0]!.at).toBeLessThan(5 * 60_000);
      }
      // Every request sent is on record: the refused ones settled at zero.
      const db = await harness.build.db();
      const rows = await db.prisma.costEntry.findMany({ where: { buildId } });
      expect(rows).toHaveLength(harness.build.anthropic.requests.length);
      expect(rows.filter((r) => r.settled && Number(r.usd) === 0)).toHaveLength(
        seen.filter((s) => s.refused).length,
      );
      expect(rows.every((r) => r.settled)).toBe(true);
    }, 300_000);
  },
  { available },
);
