import fc from 'fast-check';
import {
  checkModel,
  sourceTasksFrom,
  STATUS_TABLE,
  toPlan,
  type ImportModel,
} from '../../../lib/import/model';
import { readSpeckit, writeSpeckit } from '../../../lib/import/speckit';
import { readTaskmaster, writeTaskmaster } from '../../../lib/import/taskmaster';

/** Import → export → normalise equals the normalised source, for both formats. */

const normalise = (model: ImportModel) =>
  model.tasks.map(({ at: _at, ...t }) => ({ ...t, dependencies: [...t.dependencies].sort() }));
const NOW = new Date('2026-12-07T00:00:00Z');
const word = fc.constantFrom('add', 'the', 'cart', 'login', 'form', 'cache', 'tests', 'API', 'store', 'page');
const words = (min: number, max: number) =>
  fc.array(word, { minLength: min, maxLength: max }).map((w) => w.join(' '));
const status = fc.constantFrom(...Object.keys(STATUS_TABLE));

/** Through the plan file as JSON, as a real import and export would go. */
function viaPlan(model: ImportModel) {
  checkModel(model, 'source');
  const result = JSON.parse(JSON.stringify(toPlan(model, 'p', NOW))) as ReturnType<typeof toPlan>;
  return sourceTasksFrom(model, result.plan, result.ledger, result.groups);
}

const taskmasterFile = fc
  .record({
    tagged: fc.boolean(),
    tasks: fc.array(
      fc.record({
        title: words(1, 4),
        description: words(0, 6),
        details: fc.array(words(1, 5), { maxLength: 3 }).map((l) => l.join('\n')),
        testStrategy: words(0, 5),
        status,
        priority: fc.constantFrom('high', 'medium', 'low', 'critical', undefined),
        deps: fc.array(fc.nat(20), { maxLength: 3 }),
        complexity: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        subtasks: fc.array(
          fc.record({
            title: words(1, 3),
            status,
            deps: fc.array(fc.nat(5), { maxLength: 2 }),
            details: words(0, 4),
          }),
          { maxLength: 3 },
        ),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ tagged, tasks }) => {
    const list = tasks.map((t, i) => ({
      id: i + 1,
      title: t.title,
      description: t.description,
      status: t.status,
      // Only earlier tasks: a cycle is refused, not imported.
      dependencies: [...new Set(t.deps.filter((d) => d >= 1 && d <= i))],
      ...(t.priority ? { priority: t.priority } : {}),
      details: t.details,
      testStrategy: t.testStrategy,
      ...(t.complexity !== undefined ? { complexity: t.complexity } : {}),
      subtasks: t.subtasks.map((s, j) => ({
        id: j + 1,
        title: s.title,
        description: '',
        status: s.status,
        dependencies: [...new Set(s.deps.filter((d) => d >= 1 && d <= j))],
        details: s.details,
      })),
    }));
    const body = { tasks: list, metadata: { created: '2026-01-01' } };
    return JSON.stringify(tagged ? { master: body } : body, null, 2);
  });

describe('importing and exporting task files', () => {
  it('gives back a Task Master tasks.json equal to the source once both are normalised', () => {
    fc.assert(
      fc.property(taskmasterFile, (source) => {
        const read = readTaskmaster(source, 'tasks.json');
        const tasks = viaPlan(read.model);
        const exported = JSON.stringify(
          writeTaskmaster(tasks, read.model.groups, {
            tag: 'master',
            tagged: read.tagged,
            extra: read.extra,
          }),
        );
        const again = readTaskmaster(exported, 'exported.json');
        expect(normalise(again.model)).toEqual(normalise(read.model));
        expect(again.model.groups).toEqual(read.model.groups);
        expect(again.extra).toEqual(read.extra);
      }),
      { numRuns: 150 },
    );
  });

  const speckitFile = fc
    .array(
      fc.array(
        fc.record({
          parallel: fc.boolean(),
          done: fc.boolean(),
          story: fc.option(fc.constantFrom('US1', 'US2'), { nil: undefined }),
          text: words(1, 5),
          file: fc.option(fc.constantFrom('src/models/user.ts', 'tests/contract/test_users.py'), {
            nil: undefined,
          }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      { minLength: 1, maxLength: 3 },
    )
    .chain((phases) => {
      const count = phases.flat().length;
      return fc
        .array(fc.tuple(fc.nat(count - 1), fc.nat(count - 1)), { maxLength: 3 })
        .map((pairs) => ({ phases, blocks: pairs.filter(([a, b]) => a < b) }));
    })
    .map(({ phases, blocks }) => {
      let n = 0;
      const id = (i: number) => `T${String(i + 1).padStart(3, '0')}`;
      const lines = [
        '# Tasks: Photo albums',
        '',
        '## Format: `[ID] [P?] Description`',
        '- **[P]**: Can run in parallel',
        '',
      ];
      phases.forEach((tasks, p) => {
        lines.push(`## Phase 3.${p + 1}: ${['Setup', 'Tests First', 'Core'][p]}`, '');
        for (const t of tasks) {
          const marks = [t.parallel ? '[P]' : '', t.story ? `[${t.story}]` : ''].filter(Boolean).join(' ');
          lines.push(
            `- [${t.done ? 'x' : ' '}] ${id(n++)}${marks ? ` ${marks}` : ''} ${t.text}${t.file ? ` in ${t.file}` : ''}`,
          );
        }
        lines.push('');
      });
      lines.push('## Dependencies', '', ...blocks.map(([a, b]) => `- ${id(a)} blocks ${id(b)}`), '');
      lines.push('## Validation Checklist', '- [ ] All contracts have corresponding tests', '');
      return lines.join('\n');
    });

  it('gives back a Spec Kit tasks.md equal to the source once both are normalised', () => {
    fc.assert(
      fc.property(speckitFile, (source) => {
        const read = readSpeckit(source, 'tasks.md');
        const exported = writeSpeckit(viaPlan(read.model), read.model.groups, read.title);
        const again = readSpeckit(exported, 'exported.md');
        expect(normalise(again.model)).toEqual(normalise(read.model));
        expect(again.model.groups).toEqual(read.model.groups);
      }),
      { numRuns: 150 },
    );
  });
});
