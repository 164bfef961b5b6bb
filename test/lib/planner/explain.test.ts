import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planFromMarkdown, readSpecPlan } from '../../../lib/planner/heuristic';

/** `br plan --explain`: how the planner read each section of the corpus specs, recorded as it decided. */
const dir = path.join(__dirname, '../../fixtures/planner/corpus');
const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
const explain = (file: string) =>
  readSpecPlan(read(file)).readings.map(
    (r) => `${r.section} | ${r.reading}${r.tasks ? ` | ${r.tasks.join(', ')}` : ''}`,
  );

describe('how the planner read a spec', () => {
  it('names the tasks each section became and the dependency each prose line gave', () => {
    expect(explain('14-prose-dependencies.md')).toEqual(
      expect.arrayContaining([
        'Feature 1: Accounts | task | accounts-1, accounts-2',
        "Feature 4: Search | dependency from 'Requires feature 3.' | search-1 <- messages-1",
        "Feature 2: Channels | dependency from 'Needs accounts (feature 1).' | channels-1 <- accounts-1, channels-1 <- accounts-2",
      ]),
    );
  });

  it('says why a week plan’s checklist, schedule and testing strategy are not tasks', () => {
    expect(explain('16-week-plan-checklist.md')).toEqual([
      'Overview | skipped: describes the project, asks for no work',
      'Build A: Delivery | task | delivery-1, delivery-2',
      'Build B: Preferences | task | preferences-1',
      'Build C: Email digest | task | email-digest-1',
      "Build C: Email digest | dependency from 'Depends on: Build A' | email-digest-1 <- delivery-1, email-digest-1 <- delivery-2",
      'Execution Plan | skipped: a schedule, restating the work by day',
      'Testing Strategy | skipped: a testing approach, not a task',
      'Completion Checklist | skipped: a checklist restating other sections',
    ]);
  });

  it('says a Spec Kit file’s format notes, examples and checklist are skipped, and which lines gave dependencies', () => {
    const lines = explain('15-speckit-tasks.md');
    expect(lines).toEqual(
      expect.arrayContaining([
        "Format: `[ID] [P?] Description` | skipped: a note on the file's format",
        'Parallel Example | skipped: an example',
        'Validation Checklist | skipped: a checklist restating other sections',
        "Dependencies | dependency from 'T005 blocks T007, T010'",
      ]),
    );
  });

  it('shows a dependency chain’s sentences as the edges, and the numbered order it replaced', () => {
    const lines = explain('18-logical-dependency-chain.md');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Logical Dependency Chain | dependency chain: each sentence below is read for what waits for what',
        "Logical Dependency Chain | dependency from 'Board page needs the board API.' | mvp-requirements-4 <- mvp-requirements-3",
        'Future Enhancements | skipped: work the spec leaves out',
      ]),
    );
    expect(lines.find((l) => l.startsWith('MVP Requirements | numbered order not used'))).toBeDefined();
  });

  it.each([
    '14-prose-dependencies.md',
    '16-week-plan-checklist.md',
    '17-roadmap-table.md',
    '18-logical-dependency-chain.md',
    '06-task-master-prd.md',
  ])('%s: every task and every edge of the plan is in the reading', (file) => {
    const { plan, readings } = readSpecPlan(read(file));
    expect(plan).toEqual(planFromMarkdown(read(file)));
    const tasks = new Set(readings.filter((r) => r.reading.startsWith('task')).flatMap((r) => r.tasks ?? []));
    const edges = new Set(
      readings.filter((r) => /^dependency from/.test(r.reading)).flatMap((r) => r.tasks ?? []),
    );
    for (const t of plan.tasks) {
      expect(tasks.has(t.id)).toBe(true);
      if (!t.id.startsWith('project-acceptance'))
        for (const d of t.dependsOn) expect([t.id, edges.has(`${t.id} <- ${d}`)]).toEqual([t.id, true]);
    }
  });
});
