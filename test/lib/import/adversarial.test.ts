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

  it('reads, checks, plans and writes back 60 000 top-level tasks in linear time, not group × task', () => {
    const tasks = Array.from({ length: 60_000 }, (_, i) => ({
      id: i + 1,
      title: `Task ${i + 1}`,
      status: 'pending',
      dependencies: i ? [i] : [],
    }));
    const started = Date.now();
    const read = readTaskmaster(JSON.stringify({ tasks }), 'tasks.json');
    checkModel(read.model, 'tasks.json');
    const result = toPlan(read.model, 'p', NOW);
    const back = writeTaskmaster(read.model.tasks, read.model.groups, { tag: 'master', ...read }) as {
      tasks: unknown[];
    };
    // Quadratic, this took ~25 s on a loaded 2-core machine; linear, well under one.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.features).toHaveLength(60_000);
    expect(result.plan.tasks[59_999]!.dependsOn).toEqual(['tm-59999']);
    expect(back.tasks).toHaveLength(60_000);
  }, 60_000);
});
