import { ImportError } from '../../../lib/import/errors';
import { checkModel, toPlan } from '../../../lib/import/model';
import { readSpeckit, writeSpeckit } from '../../../lib/import/speckit';
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

describe('the Spec Kit importer on hostile input', () => {
  /** n tasks, one phase per `perPhase`, a Dependencies line every 7 tasks and one naming the phase before by its title every 50. */
  function tasksMd(n: number, perPhase: number): string {
    const id = (i: number) => `T${String(i).padStart(5, '0')}`;
    const lines = ['# Tasks: Big', ''];
    for (let i = 1; i <= n; i++) {
      if ((i - 1) % perPhase === 0) lines.push(`## Phase ${Math.ceil(i / perPhase)}: Part ${i}`, '');
      lines.push(`- [ ] ${id(i)} ${i % 3 ? '[P] ' : ''}Build part ${i} in src/part-${i}.ts`);
    }
    lines.push('', '## Dependencies', '');
    for (let i = 10; i <= n; i += 7) lines.push(`- ${id(i - 5)} blocks ${id(i)}`);
    for (let i = 50; i <= n; i += 50) {
      const before = (Math.ceil(i / perPhase) - 2) * perPhase + 1;
      if (before >= 1) lines.push(`- Part ${before} before ${id(i)}`);
    }
    return lines.join('\n');
  }
  function roundTrip(n: number, perPhase: number) {
    const started = performance.now();
    const read = readSpeckit(tasksMd(n, perPhase), 'tasks.md');
    checkModel(read.model, 'tasks.md');
    const result = toPlan(read.model, 'p', NOW);
    const back = writeSpeckit(read.model.tasks, read.model.groups, read.title);
    return { ms: performance.now() - started, result, back };
  }

  it.each([1, 100])(
    'reads, checks, plans and writes back 20 000 tasks (%s per phase) in linear time',
    (perPhase) => {
      const small = roundTrip(2_000, perPhase);
      const { ms, result, back } = roundTrip(20_000, perPhase);
      // Quadratic took 95 s to write back 20 000 one-task phases; linear is about ten times the small run.
      expect(ms).toBeLessThan(Math.max(small.ms, 50) * 40);
      expect(result.plan.tasks).toHaveLength(20_000);
      expect(back.match(/^- \[ \] T\d+/gm)).toHaveLength(20_000);
    },
    120_000,
  );

  it('refuses phases of [P] tasks whose edges would number in the millions, before building them', () => {
    const lines = ['# Tasks: Wide', '', '## Phase 1: A', ''];
    for (let i = 1; i <= 1_500; i++) lines.push(`- [ ] T${String(i).padStart(5, '0')} [P] a${i}`);
    lines.push('', '## Phase 2: B', '');
    for (let i = 1_501; i <= 3_000; i++) lines.push(`- [ ] T${String(i).padStart(5, '0')} [P] b${i}`);
    let error: unknown;
    try {
      readSpeckit(lines.join('\n'), 'tasks.md');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).code).toBe('IMPORT_TOO_LARGE');
    expect((error as ImportError).message).toMatch(/^tasks\.md: .* more than 2,000,000 dependencies/);
  });
});
