import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validatePlan } from '../../../lib/plan';
import { planFromMarkdown, SpecReferenceError } from '../../../lib/planner/heuristic';
import type { SimulateReport } from '../../../services/simulate';
import { runBr } from '../../helpers/cli';

/** The two specs a new user tried (issue 14), and every way people name a dependency. */
const corpus = (name: string) =>
  readFileSync(path.join(__dirname, '../../fixtures/planner/corpus', name), 'utf8');

describe('specs that used to fail offline', () => {
  it('plans "## Feature 2: …" headings with "Depends on: Feature 1" lines', () => {
    const plan = planFromMarkdown(corpus('01-feature-numbered.md'));
    expect(validatePlan(plan)).toEqual([]);
    const deps = Object.fromEntries(plan.tasks.map((t) => [t.id, t.dependsOn]));
    expect(deps['slug-generation-1']).toEqual(['slug-storage-1', 'slug-storage-2']);
    expect(deps['click-statistics-1']).toEqual(['redirect-endpoint-1', 'redirect-endpoint-2']);
    expect(deps['admin-api-2']).toEqual([
      'slug-generation-1',
      'slug-generation-2',
      'click-statistics-1',
      'click-statistics-2',
    ]);
  });

  it('simulates that spec with `br build simulate`', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-real-world-'));
    try {
      writeFileSync(path.join(dir, 'SPEC.md'), corpus('01-feature-numbered.md'));
      const { code, stdout, stderr } = await runBr(
        ['build', 'simulate', 'SPEC.md', '--runs', '3', '--json'],
        { cwd: dir, env: { DATABASE_URL: undefined } },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as SimulateReport;
      expect(report.plan.tasks).toBe(10);
      expect(report.plan.dependencies).toBeGreaterThanOrEqual(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plans a week plan into its A.1-style tasks only, with their time as a size hint', () => {
    const plan = planFromMarkdown(corpus('02-week-plan.md'));
    expect(validatePlan(plan)).toEqual([]);
    expect(plan.tasks.map((t) => [t.title, t.estimateMinutes])).toEqual([
      ['Tokenizer', 90],
      ['Parser and AST', 120],
      ['Parser fuzz tests', 45],
      ['Change feed consumer', 180],
      ['Index writer', 120],
      ['HTTP endpoint', 120],
      ['Ranking', 480],
      ['Meet the project-wide acceptance criteria', undefined],
    ]);
    const titles = plan.tasks.map((t) => t.title).join('\n');
    expect(titles).not.toMatch(/Current State|Week 1 Target|Success|Deliverable|Risk|Timeline|Monday/i);
    // A success criterion that names its build becomes that build's acceptance, not a task.
    const tokenizer = plan.tasks[0]!;
    expect(tokenizer.acceptance).toContain('Build A parser handles quoted phrases and field filters');
    // One that names no build is the whole project's: a last task, after the tasks nothing waits for.
    const last = plan.tasks.at(-1)!;
    expect(last).toMatchObject({ id: 'project-acceptance', dependsOn: ['search-api-2'] });
    expect(last.acceptance).toContain('Dashboards exist for latency and freshness');
    expect(plan.tasks.slice(0, -1).flatMap((t) => t.acceptance)).not.toContain(
      'Dashboards exist for latency and freshness',
    );
    // Code blocks are context for the task they sit in.
    expect(plan.tasks[2]!.description).toContain('parse(\'title:"foo bar" baz\')');
    const api = plan.tasks.find((t) => t.title === 'HTTP endpoint')!;
    expect(api.dependsOn).toEqual([
      'query-parser-1',
      'query-parser-2',
      'query-parser-3',
      'indexer-1',
      'indexer-2',
    ]);
  });
});

describe('acceptance criteria about the whole project', () => {
  it("become a last task, but a spec's own review checklist does not", () => {
    const spec = [
      '# Shop',
      '## Catalogue',
      '- [ ] Product table',
      '## Checkout',
      '- [ ] Card payment',
      '## Success criteria',
      '- Every page loads in under 2 s',
      '- Checkout takes a card payment end to end',
      '## Review checklist',
      '- Requirements are testable',
    ].join('\n');
    const plan = planFromMarkdown(spec);
    expect(validatePlan(plan)).toEqual([]);
    const last = plan.tasks.at(-1)!;
    expect(last.id).toBe('project-acceptance');
    expect(last.acceptance).toEqual(['Every page loads in under 2 s']);
    expect(last.dependsOn.sort()).toEqual(
      plan.tasks
        .slice(0, -1)
        .map((t) => t.id)
        .sort(),
    );
    // The criterion that names a section went to that section's task instead.
    expect(plan.tasks.find((t) => t.title === 'Card payment')!.acceptance).toContain(
      'Checkout takes a card payment end to end',
    );
  });
});

describe('dependency references', () => {
  const spec = (dependsOn: string) =>
    [
      '# Shop',
      '## F001: Catalogue',
      '- [ ] Product table',
      '## Build B: Checkout flow and payments',
      '- [ ] Cart page',
      '## 3. Emails',
      `Depends on: ${dependsOn}`,
      '- [ ] Receipt email',
    ].join('\n');
  const depsOfEmails = (ref: string) =>
    planFromMarkdown(spec(ref)).tasks.find((t) => t.id === 'emails-1')!.dependsOn;

  it.each([
    ['F001', ['catalogue-1']],
    ['f1', ['catalogue-1']],
    ['Build B', ['checkout-flow-and-payments-1']],
    ['build b', ['checkout-flow-and-payments-1']],
    ['Catalogue', ['catalogue-1']],
    ['CATALOGUE', ['catalogue-1']],
    ['Checkout flow', ['checkout-flow-and-payments-1']],
    ['F001: Catalogue', ['catalogue-1']],
    ['checkout-flow-and-payments-1', ['checkout-flow-and-payments-1']],
    ['Product table', ['catalogue-1']],
    ['F001, Build B', ['catalogue-1', 'checkout-flow-and-payments-1']],
    ['F001 and Build B', ['catalogue-1', 'checkout-flow-and-payments-1']],
    ['none', []],
  ])('resolves "%s"', (ref, expected) => {
    expect(depsOfEmails(ref)).toEqual(expected);
  });

  it.each(['#3', 'Feature 3', '3'])('resolves "%s" to the heading numbered 3', (ref) => {
    const plan = planFromMarkdown(
      [
        '## 3. Emails',
        '- [ ] Receipt email',
        '## 4. Digest',
        `Depends on: ${ref}`,
        '- [ ] Weekly digest',
      ].join('\n'),
    );
    expect(plan.tasks[1]!.dependsOn).toEqual(['emails-1']);
  });

  it('resolves a feature by the id on its "Id:" line, as `br spec wizard` writes them', () => {
    const plan = planFromMarkdown(
      [
        '## Feature: Design System',
        'Id: F001 · priority critical',
        '- [ ] Tokens',
        '## Feature: Alerts',
        'Id: alerts',
        'Depends on: F001',
        '- [ ] Raise an alert',
      ].join('\n'),
    );
    expect(plan.tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['design-system-1', []],
      ['alerts-1', ['design-system-1']],
    ]);
  });

  it('does not resolve a number no heading carries', () => {
    expect(() => depsOfEmails('#2')).toThrow(SpecReferenceError);
  });

  it('reports an unresolved reference once, with its line and the closest candidates', () => {
    const markdown = [
      '# Shortener',
      '## Feature 1: Slug storage',
      '- [ ] Table',
      '## Feature 2: Slug generation',
      'Depends on: Feature 9',
      '- [ ] one',
      '- [ ] two',
      '- [ ] three',
    ].join('\n');
    let error: SpecReferenceError | undefined;
    try {
      planFromMarkdown(markdown);
    } catch (err) {
      error = err as SpecReferenceError;
    }
    expect(error).toBeInstanceOf(SpecReferenceError);
    expect(error!.problems).toHaveLength(1);
    expect(error!.problems[0]).toMatch(/^line 5: "Depends on: Feature 9" — "Feature 9" matches no section/);
    expect(error!.problems[0]).toMatch(/Closest: Feature 1: Slug storage; Feature 2: Slug generation/);
    expect(error!.hint).toMatch(/Feature 1/);
  });

  it('ignores "Requires:" names that are packages, not sections', () => {
    const plan = planFromMarkdown(
      ['## Upload', 'Requires: sharp, Catalogue', '- [ ] resize', '## Catalogue', '- [ ] list'].join('\n'),
    );
    expect(plan.tasks[0]!.dependsOn).toEqual(['catalogue-1']);
  });
});
