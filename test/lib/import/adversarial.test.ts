import { ImportError } from '../../../lib/import/errors';
import { checkModel, toPlan } from '../../../lib/import/model';
import { readTaskmaster, writeTaskmaster } from '../../../lib/import/taskmaster';

/** Task files written to break the importer: inherited object keys as statuses, very many groups. */

const NOW = new Date('2026-12-07T00:00:00Z');

describe('the Task Master importer on hostile input', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'refuses the status "%s", which every object inherits, as an unknown status',
    (status) => {
      const model = readTaskmaster(
        JSON.stringify({ tasks: [{ id: 1, title: 'A task', status }] }),
        'tasks.json',
      ).model;
      let error: unknown;
      try {
        checkModel(model, 'tasks.json');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).code).toBe('IMPORT_UNKNOWN_STATUS');
    },
  );

  /** Reads, checks, plans and writes back n chained top-level tasks; the milliseconds it took. */
  function roundTrip(n: number) {
    const tasks = Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      title: `Task ${i + 1}`,
      status: 'pending',
      dependencies: i ? [i] : [],
    }));
    const started = performance.now();
    const read = readTaskmaster(JSON.stringify({ tasks }), 'tasks.json');
    checkModel(read.model, 'tasks.json');
    const result = toPlan(read.model, 'p', NOW);
    const back = writeTaskmaster(read.model.tasks, read.model.groups, { tag: 'master', ...read }) as {
      tasks: unknown[];
    };
    return { ms: performance.now() - started, result, back };
  }

  it('reads, checks, plans and writes back 60 000 top-level tasks in linear time, not group × task', () => {
    const small = roundTrip(6_000);
    const { ms, result, back } = roundTrip(60_000);
    // Ten times the tasks: linear takes about ten times as long, quadratic about a hundred (it took
    // ~25 s on a loaded 2-core machine). Measured against the small run, so machine load cancels out.
    expect(ms).toBeLessThan(Math.max(small.ms, 50) * 40);
    expect(result.features).toHaveLength(60_000);
    expect(result.plan.tasks[59_999]!.dependsOn).toEqual(['tm-59999']);
    expect(back.tasks).toHaveLength(60_000);
  }, 120_000);
});
