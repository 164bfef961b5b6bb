import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { generateHistory, replayCommands } from '../fixtures/temporal/history/generate';

let bundle: { code: string };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '../fixtures/temporal/probe-workflows.ts'),
    workflowInterceptorModules: [path.join(__dirname, '../fixtures/temporal/history/recorder.ts')],
    logger: new DefaultLogger('WARN'),
  });
}, 120_000);

describe('the history generator', () => {
  it('records activities, a timer, a child, a signal and a workflow cancel as a history that replays cleanly', async () => {
    const generated = await generateHistory(bundle, {
      workflowType: 'probeWorkflow',
      workflowId: 'probe-1',
      args: ['hello'],
      activity: (call) => (call.args[0] === 'never' ? 'pending' : { result: `echo:${String(call.args[0])}` }),
      child: (call) => ({ result: `from ${call.workflowId}`, afterMs: 2000 }),
      inbound: [
        { atMs: 60 * 60_000, signal: { name: 'nudge', args: ['go'] } },
        { atMs: 90 * 60_000, cancel: true },
      ],
    });

    expect(generated.status).toBe('completed');
    expect(generated.result).toEqual([
      'echo:hello',
      'slept:true',
      'from probe-1--c1',
      'signal:go',
      'cancelled',
    ]);
    expect(generated.activities.map((a) => a.args[0])).toEqual(['hello', 'never', 'cleanup']);
    expect(generated.children.map((c) => c.workflowId)).toEqual(['probe-1--c1']);
    const types = generated.history.events.map((e) => e.eventType);
    expect(types).toContain('EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED');
    expect(types).toContain('EVENT_TYPE_TIMER_CANCELED');
    expect(types.at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');

    const replayed = await replayCommands(bundle, generated.history, 'probe-1');
    expect(replayed.every((a) => a.replaying)).toBe(true);
  });

  it('fails the replay with a nondeterminism error when the history lacks a command the code issues', async () => {
    const generated = await generateHistory(bundle, {
      workflowType: 'probeWorkflow',
      workflowId: 'probe-2',
      args: ['x'],
      maxWorkflowTasks: 3,
    });
    const tampered = structuredClone(generated.history);
    const timer = tampered.events.findIndex((e) => e.eventType === 'EVENT_TYPE_TIMER_STARTED');
    tampered.events.splice(timer, 2);
    tampered.events.forEach((e, i) => (e.eventId = String(i + 1)));
    await expect(replayCommands(bundle, tampered, 'probe-2')).rejects.toThrow(/[Nn]ondeterminism/);
  });
});
