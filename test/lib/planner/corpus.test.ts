import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validatePlan, type Plan } from '../../../lib/plan';
import { planFromMarkdown } from '../../../lib/planner/heuristic';
import { renderPlan } from '../../fixtures/planner/corpus-render';

/**
 * Specs written in the styles teams actually use (test/fixtures/planner/corpus/*.md), each planned offline into
 * a reviewed snapshot, plus properties that hold for every one of them.
 */
const dir = path.join(__dirname, '../../fixtures/planner/corpus');
const specs = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort();
const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');

// Chosen by reading the specs, independently of the planner's own word lists.
const DESCRIPTIVE_HEADINGS = new Set(
  [
    'Overview',
    'Current State',
    'Current state',
    'Week 1 Target',
    'Goals',
    'Risks',
    'Timeline',
    'Background',
    'Non-goals',
    'Personas',
    'Success Metrics',
    'Open Questions',
    'Introduction',
    'User Scenarios & Testing',
    'Core Features',
    'User Experience',
    'Technical Architecture',
    'Logical Dependency Chain',
    'Risks and Mitigations',
    'Appendix',
    'Future Enhancements',
    "Won't fix",
    'Installation',
    'Usage',
    'Contributing',
    'License',
    'Summary',
    'Motivation',
    'Drawbacks',
    'Alternatives',
    'Unresolved questions',
    '5. Metrics',
    'Notes',
    'Out of scope',
    'Execution Plan',
    'Testing Strategy',
    'Parallel Example',
    'Format: `[ID] [P?] Description`',
    'Validation Checklist',
  ].map((h) => h.toLowerCase()),
);

function sections(markdown: string): { title: string; start: number; end: number }[] {
  const lines = markdown.split('\n');
  const heads = lines
    .map((l, i) => ({ m: /^(#{1,6})\s+(.*)$/.exec(l), i }))
    .filter((h) => h.m && lines.slice(0, h.i).filter((l) => l.startsWith('```')).length % 2 === 0);
  return heads.map((h, k) => {
    const level = h.m![1]!.length;
    const next = heads.slice(k + 1).find((o) => o.m![1]!.length <= level);
    return { title: h.m![2]!.trim(), start: h.i, end: next ? next.i : lines.length };
  });
}

/** Declared edges: the project-wide acceptance task waits for whatever is last, whatever the spec says. */
const edges = (plan: Plan) =>
  new Set(
    plan.tasks
      .filter((t) => !t.id.startsWith('project-acceptance'))
      .flatMap((t) => t.dependsOn.map((d) => `${t.id}<-${d}`)),
  );
const taskView = (plan: Plan) => JSON.stringify(plan.tasks);
// A dependency chain states order, not work: without it the tasks are the same, only their edges differ.
const workView = (plan: Plan) => JSON.stringify(plan.tasks.map(({ dependsOn: _d, ...t }) => t));

describe('the spec corpus', () => {
  it('holds at least twelve spec styles, with descriptive sections and dependencies to check', () => {
    expect(specs.length).toBeGreaterThanOrEqual(12);
    const all = specs.map(read);
    const descriptive = all.flatMap((m) =>
      sections(m).filter((s) => DESCRIPTIVE_HEADINGS.has(s.title.toLowerCase())),
    );
    expect(descriptive.length).toBeGreaterThanOrEqual(30);
    const declared = all.join('\n').match(/^\s*(?:\*\*)?(?:depends on|after)\b|\((?:depends on|after):/gim);
    expect(declared?.length).toBeGreaterThanOrEqual(25);
  });

  it('reads prose dependencies, a Spec Kit tasks.md, a week plan and a roadmap table the way their authors meant', () => {
    const deps = (file: string) =>
      Object.fromEntries(planFromMarkdown(read(file)).tasks.map((t) => [t.id, t.dependsOn]));
    expect(deps('14-prose-dependencies.md')).toEqual({
      'accounts-1': [],
      'accounts-2': [],
      'channels-1': ['accounts-1', 'accounts-2'],
      'messages-1': ['channels-1'],
      'search-1': ['messages-1'],
      // Needs only feature 1: it runs beside channels, messages and search.
      'emoji-reactions-1': ['accounts-1', 'accounts-2'],
    });
    const speckit = deps('15-speckit-tasks.md');
    expect(Object.keys(speckit)).toHaveLength(11);
    expect(speckit['sk-T002']).toEqual([]);
    expect(speckit['sk-T004']).toEqual(['sk-T001', 'sk-T002']);
    expect(speckit['sk-T010']).toEqual(expect.arrayContaining(['sk-T005']));
    expect(speckit['sk-T008']).toEqual(expect.arrayContaining(['sk-T007']));
    // The "Depends on" column of a roadmap table: W2 and W3 both wait only for W1, so they run together.
    expect(deps('17-roadmap-table.md')).toEqual({
      'roadmap-1': [],
      'roadmap-2': ['roadmap-1'],
      'roadmap-3': ['roadmap-1'],
      'roadmap-4': ['roadmap-2', 'roadmap-3'],
      'roadmap-5': ['roadmap-2'],
    });
    // A "Logical Dependency Chain" gives exactly the edges it states; the numbered roadmap above it is
    // not a serial chain (without the section it would be: each item after the one before).
    const chain = deps('18-logical-dependency-chain.md');
    expect(chain).toEqual({
      'mvp-requirements-1': [],
      'mvp-requirements-2': [],
      'mvp-requirements-3': ['mvp-requirements-1', 'mvp-requirements-2'],
      'mvp-requirements-4': ['mvp-requirements-3'],
      'mvp-requirements-5': ['mvp-requirements-3'],
      'mvp-requirements-6': ['mvp-requirements-5'],
      'mvp-requirements-7': ['mvp-requirements-2', 'mvp-requirements-5'],
    });
    // The Completion Checklist restates the tasks: neither tasks nor a project-wide acceptance task.
    const week = planFromMarkdown(read('16-week-plan-checklist.md'));
    expect(week.tasks.map((t) => t.id)).toEqual([
      'delivery-1',
      'delivery-2',
      'preferences-1',
      'email-digest-1',
    ]);
  });

  describe.each(specs)('%s', (file) => {
    const markdown = read(file);
    const plan = planFromMarkdown(markdown);

    it('plans offline into a valid DAG, as reviewed', () => {
      expect(validatePlan(plan)).toEqual([]);
      expect(plan.tasks.length).toBeGreaterThan(0);
      expect(renderPlan(plan)).toMatchSnapshot();
    });

    it('gives byte-identical plans, also with CRLF line endings', () => {
      expect(JSON.stringify(planFromMarkdown(markdown))).toBe(JSON.stringify(plan));
      expect(JSON.stringify(planFromMarkdown(markdown.replace(/\n/g, '\r\n')))).toBe(JSON.stringify(plan));
    });

    it('takes no task from a descriptive section: removing one leaves the tasks unchanged', () => {
      const lines = markdown.split('\n');
      const descriptive = sections(markdown).filter((s) => DESCRIPTIVE_HEADINGS.has(s.title.toLowerCase()));
      for (const s of descriptive) {
        const without = [...lines.slice(0, s.start), ...lines.slice(s.end)].join('\n');
        const view = /dependency chain/i.test(s.title) ? workView : taskView;
        expect([s.title, view(planFromMarkdown(without))]).toEqual([s.title, view(plan)]);
      }
    });

    it('turns every declared dependency into edges of the plan', () => {
      const all = edges(plan);
      const lines = markdown.split('\n');
      const declared = lines
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => /^\s*(?:\*\*)?(?:depends on|after)\b|\((?:depends on|after):/i.test(line));
      for (const { line, i } of declared) {
        const stripped = line.includes('(') ? line.replace(/\s*\((?:depends on|after):[^)]*\)/i, '') : '';
        const without = planFromMarkdown([...lines.slice(0, i), stripped, ...lines.slice(i + 1)].join('\n'));
        const fewer = edges(without);
        expect([line, fewer.size < all.size]).toEqual([line, true]);
        for (const e of fewer) expect(all.has(e)).toBe(true);
      }
    });
  });
});
