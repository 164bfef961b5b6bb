/**
 * Temporal limits a workflow execution to 51,200 history events and 50 MB. The build parent records
 * only a bounded number of events per task (each task's own work lives in its child's history), so
 * the parent's history grows linearly with the plan. This measures that growth on generated
 * histories of the real build workflow and extrapolates to a 500-task plan.
 */
import { generateHistory, type HistoryScript, type SignalSent } from '../fixtures/temporal/history/generate';
import { buildActivity, buildInput, plannedTask, succeeded } from '../fixtures/temporal/builds';
import { bundleForReplay } from '../fixtures/temporal/replay-setup';
import type { WorkflowBundle } from '../../worker/run';

const EVENT_LIMIT = 51_200;
const BYTE_LIMIT = 50 * 1024 * 1024;

let bundle: WorkflowBundle;
beforeAll(async () => void (bundle = await bundleForReplay()), 120_000);

/** A build of n independent-ish tasks where every child reserves budget once and reports its cost. */
function script(n: number): HistoryScript {
  const tasks = Array.from({ length: n }, (_, i) => plannedTask(`t${i}`, i >= 4 ? [`t${i - 4}`] : []));
  return {
    workflowType: 'buildWorkflow',
    workflowId: `build-scale-${n}`,
    args: [buildInput(tasks, { buildId: `build-scale-${n}`, parallel: 4 })],
    activity: buildActivity,
    onChildStarted: (call) => {
      const taskId = call.workflowId.split('/task-')[1]!;
      return [
        { atMs: 1000, signal: { name: 'requestReservation', args: [{ taskId, attempt: 1, usd: '0.05' }] } },
        { atMs: 60_000, signal: { name: 'reportCost', args: [{ taskId, attempt: 1, usd: '0.04' }] } },
      ];
    },
    onSignalSent: (_signal: SignalSent) => [],
    child: (call) => ({
      result: succeeded(call.workflowId.split('/task-')[1]!, '0.04'),
      afterMs: 2 * 60_000,
    }),
  };
}

describe('build history size', () => {
  it('grows linearly per task and stays far below Temporal limits for a 500-task plan', async () => {
    const small = await generateHistory(bundle, script(6));
    const large = await generateHistory(bundle, script(14));
    expect(small.status).toBe('completed');
    expect(large.status).toBe('completed');
    expect(large.result).toMatchObject({ outcome: 'SUCCEEDED' });

    const events = (h: typeof small) => h.history.events.length;
    const bytes = (h: typeof small) => Buffer.byteLength(JSON.stringify(h.history));
    const eventsPerTask = (events(large) - events(small)) / 8;
    const bytesPerTask = (bytes(large) - bytes(small)) / 8;
    const projectedEvents = events(small) + eventsPerTask * (500 - 6);
    const projectedBytes = bytes(small) + bytesPerTask * (500 - 6);
    console.log(
      `build parent history: ${eventsPerTask.toFixed(1)} events and ${(bytesPerTask / 1024).toFixed(1)} KiB per task; ` +
        `500 tasks ≈ ${Math.round(projectedEvents)} events, ${(projectedBytes / 1024 / 1024).toFixed(1)} MiB`,
    );
    expect(eventsPerTask).toBeLessThan(40);
    expect(projectedEvents).toBeLessThan(EVENT_LIMIT / 2);
    expect(projectedBytes).toBeLessThan(BYTE_LIMIT / 10);
  }, 300_000);
});
