import { readFileSync } from 'node:fs';
import path from 'node:path';
import { estimateTask } from '../../../lib/estimate/heuristic';
import { validatePlan } from '../../../lib/plan';
import { pathsIn, planFromMarkdown } from '../../../lib/planner/heuristic';

const todoSpec = readFileSync(path.join(__dirname, '../../../examples/todo-api/PROJECT_SPEC.md'), 'utf8');

describe('the heuristic planner', () => {
  it('turns the todo-api spec into features, tasks, files and dependencies', () => {
    const plan = planFromMarkdown(todoSpec);
    expect(plan.project).toBe('todo-api');
    expect(validatePlan(plan)).toEqual([]);
    expect(plan.tasks.map((t) => [t.id, t.dependsOn, t.files])).toEqual([
      ['complete-and-reopen-todos-1', [], ['src/store.js']],
      ['complete-and-reopen-todos-2', [], ['src/server.js']],
      ['delete-todos-1', [], ['src/store.js']],
      ['delete-todos-2', [], ['src/server.js']],
      [
        'due-dates-and-overdue-filter-1',
        ['complete-and-reopen-todos-1', 'complete-and-reopen-todos-2'],
        ['src/store.js'],
      ],
      [
        'due-dates-and-overdue-filter-2',
        ['complete-and-reopen-todos-1', 'complete-and-reopen-todos-2'],
        ['src/server.js'],
      ],
      ['persistence-to-a-json-file-1', ['delete-todos-1', 'delete-todos-2'], ['src/file-store.js']],
      ['persistence-to-a-json-file-2', ['delete-todos-1', 'delete-todos-2'], ['src/server.js']],
      ['request-validation-and-error-format-1', [], ['src/errors.js']],
      ['request-validation-and-error-format-2', [], ['src/server.js']],
    ]);
    const first = plan.tasks[0]!;
    expect(first.features).toEqual(['complete-and-reopen-todos']);
    expect(first.acceptance).toContain('Completing an unknown id answers 404 with a JSON error');
    expect(first.title).toBe(
      'Add complete(id) and reopen(id) to the store in src/store.js; unknown ids throw a RangeError',
    );
  });

  it('gives byte-identical plans for the same spec', () => {
    expect(JSON.stringify(planFromMarkdown(todoSpec))).toBe(JSON.stringify(planFromMarkdown(todoSpec)));
  });

  it('orders numbered steps, skips done items, reads inline dependencies and nested acceptance', () => {
    const plan = planFromMarkdown(
      [
        '# Shop',
        '## Overview',
        'A shop.',
        '## Payments',
        '1. Add the `payments` table migration in `db/migrations/`',
        '2. Charge cards through Stripe in `src/payments/charge.ts`',
        '   - refunds keep the original charge id',
        '- [x] Already shipped thing',
        '## Emails',
        '- [ ] Send receipts from `src/mail/receipt.ts` (depends on: Payments)',
        '## Docs',
        'Write the user guide for checkout.',
      ].join('\n'),
    );
    expect(plan.tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['payments-1', []],
      ['payments-2', ['payments-1']],
      ['emails-1', ['payments-1', 'payments-2']],
      ['docs-1', []],
    ]);
    expect(plan.tasks[1]!.acceptance).toEqual(['refunds keep the original charge id']);
    expect(plan.tasks[2]!.title).toBe('Send receipts from src/mail/receipt.ts');
    expect(plan.tasks[0]!.files).toEqual(['db/migrations/']);
  });

  it('leaves cycles to validatePlan and rejects unknown references with the line', () => {
    const cyclic = planFromMarkdown(
      ['## A', 'Depends on: B', '- [ ] do a', '## B', 'Depends on: A', '- [ ] do b'].join('\n'),
    );
    expect(validatePlan(cyclic).map((p) => p.message)).toContain('Dependency cycle: a-1 -> b-1 -> a-1.');
    expect(() =>
      planFromMarkdown(['## A', '- [ ] do a', '## C', '- [ ] do c (after: Nowhere)'].join('\n')),
    ).toThrow(/line 4: "\(after: Nowhere\)" — "Nowhere" matches no section, task title or id/);
  });

  it('takes only path-like backticked tokens as file claims', () => {
    expect(
      pathsIn('`src/a.ts` `complete(id)` `GET /todos` `/todos/:id` `RangeError` `README.md` `test/`'),
    ).toEqual(['src/a.ts', 'README.md', 'test/']);
  });
});

describe('the heuristic estimator', () => {
  const base = { id: 'x', acceptance: [], dependsOn: [], files: [] };
  it('rates a small documentation change simple and routes it to haiku', () => {
    const e = estimateTask({ ...base, title: 'Fix a typo in the README', description: 'Fix a typo.' });
    expect(e).toMatchObject({ level: 'simple', recommendedTier: 'haiku' });
  });

  it('never rates payments or auth work below complex, and says why', () => {
    const e = estimateTask({ ...base, title: 'Add Stripe payment refunds', description: 'Refund a charge.' });
    expect(['complex', 'critical']).toContain(e.level);
    expect(e.reasons.join(' ')).toMatch(/payments/);
  });

  it('scores more files, dependencies and risky areas higher', () => {
    const small = estimateTask({ ...base, title: 'Add a helper', description: 'Add a helper.' });
    const big = estimateTask({
      ...base,
      title: 'Migrate sessions',
      description:
        'Migrate the session store with a database migration and lock-free concurrency, encrypting secrets.',
      files: ['a.ts', 'b.ts', 'c.ts', 'd.ts'],
      dependsOn: ['p', 'q', 'r'],
    });
    expect(big.score).toBeGreaterThan(small.score);
    expect(big.level).toBe('critical');
  });
});

describe('the size hint', () => {
  it('scores a task the spec estimates at a day higher than the same task at 20 minutes', () => {
    const task = {
      id: 'x',
      title: 'Ranking',
      description: 'BM25 ranking.',
      acceptance: [],
      dependsOn: [],
      files: [],
    };
    const day = estimateTask({ ...task, estimateMinutes: 480 });
    const quick = estimateTask({ ...task, estimateMinutes: 20 });
    expect(day.score).toBeGreaterThan(quick.score);
    expect(day.reasons.join(' ')).toMatch(/the spec estimates 480 min/);
  });
});
