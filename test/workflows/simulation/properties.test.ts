import fc from 'fast-check';
import { FailureClass } from '../../../lib/failures';
import {
  createFakeActivities,
  simulationInput,
  type AgentOutcome,
} from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import { TERMINAL_TASK_STATES } from '../../../workflows/core/types';
import { plan, task, traceViolations } from '../../fixtures/simulation';

const FILES = ['src/a.ts', 'src/b.ts', 'src', 'lib/x.ts', './lib/y.ts', 'docs/readme.md'];
const STAGES = ['agent', 'commit', 'verify', 'merge'] as const;
const TYPES = [...Object.values(FailureClass), 'SOMETHING_UNKNOWN'];

const failure = fc.record({
  type: fc.constantFrom(...TYPES),
  stage: fc.constantFrom(...STAGES),
  retryAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
});
const graph = fc.integer({ min: 1, max: 18 }).chain((n) =>
  fc.record({
    deps: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
    files: fc.array(fc.subarray(FILES, { maxLength: 2 }), { minLength: n, maxLength: n }),
    failures: fc.array(fc.array(failure, { maxLength: 3 }), { minLength: n, maxLength: n }),
    durations: fc.array(fc.integer({ min: 1, max: 600 }), { minLength: n, maxLength: n }),
    parallel: fc.integer({ min: 1, max: 5 }),
    cancelAfterMs: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 3_000_000 }), weight: 1 },
    ),
  }),
);

describe('simulated builds over random DAGs and failure sequences', () => {
  it('never start a task early, never break the parallel bound or a file claim, end every task terminal, and terminate', async () => {
    await fc.assert(
      fc.asyncProperty(graph, async (g) => {
        const tasks = g.deps.map((deps, i) =>
          task(
            `t${i}`,
            [...new Set(deps.filter(() => i > 0).map((d) => `t${d % Math.max(1, i)}`))],
            g.files[i],
          ),
        );
        const p = plan(tasks);
        const { activities, store } = createFakeActivities({
          plan: p,
          level: 'moderate',
          agent: (call): AgentOutcome => {
            const i = Number(call.taskId.slice(1));
            const f = g.failures[i]![call.attempt - 1];
            const base = { durationMs: g.durations[i]! * 1000, costUsd: '0.01' };
            if (!f) return base;
            return {
              ...base,
              failure: {
                type: f.type,
                stage: f.stage,
                ...(f.retryAfter !== undefined ? { details: { retryAfterSeconds: f.retryAfter } } : {}),
              },
            };
          },
        });
        const controls = [
          // Quota failures wait for the breaker: resume closes it, as an operator would.
          ...[1, 2, 3, 4, 5, 6].map((h) => ({
            afterMs: h * 3_600_000,
            apply: (x: { resume(): void }) => x.resume(),
          })),
          ...(g.cancelAfterMs !== undefined
            ? [{ afterMs: g.cancelAfterMs, apply: (x: { cancel(): void }) => x.cancel() }]
            : []),
        ];
        const run = await simulateBuild({
          input: simulationInput(p, { parallel: g.parallel }),
          activities,
          controls,
        });
        expect(traceViolations(p, run.trace, g.parallel)).toEqual([]);
        expect(run.result.summary.tasks.total).toBe(tasks.length);
        for (const t of tasks) expect(TERMINAL_TASK_STATES).toContain(store.tasks.get(t.id)?.status);
        expect(store.worktrees.size).toBe(0);
      }),
      { numRuns: 150, seed: 20261121 },
    );
  }, 120_000);
});
