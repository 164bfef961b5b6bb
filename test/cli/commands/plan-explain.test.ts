import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanReport } from '../../../services/plan';
import { tempDir } from '../../fixtures/claude';
import { runBr } from '../../helpers/cli';

jest.setTimeout(90_000);

/** `br plan --explain` prints how the spec was read; `--json` carries the same readings. */
describe('br plan --explain', () => {
  const tmp = tempDir('br-plan-explain-');
  beforeAll(() => {
    copyFileSync(
      path.join(__dirname, '../../fixtures/planner/corpus/16-week-plan-checklist.md'),
      path.join(tmp.dir, 'SPEC.md'),
    );
    writeFileSync(path.join(tmp.dir, 'buildrunner.config.json'), JSON.stringify({ project: 'sprint' }));
  });
  afterAll(() => tmp.cleanup());
  const br = (...args: string[]) =>
    runBr(['plan', 'SPEC.md', '--heuristic-plan', ...args], {
      cwd: tmp.dir,
      env: { ANTHROPIC_API_KEY: undefined, DATABASE_URL: undefined },
    });

  it('prints each section as a task, a skip with its reason, or a dependency with its line', async () => {
    const r = await br('--explain');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('How the spec was read:');
    expect(r.stdout).toContain(
      'line 33  Completion Checklist: skipped: a checklist restating other sections',
    );
    expect(r.stdout).toContain('line 19  Execution Plan: skipped: a schedule, restating the work by day');
    expect(r.stdout).toContain('line 8  Build A: Delivery: task → delivery-1, delivery-2');
    expect(r.stdout).toContain(
      "line 16  Build C: Email digest: dependency from 'Depends on: Build A' → email-digest-1 <- delivery-1, email-digest-1 <- delivery-2",
    );
  });

  it('--json carries the same readings; without --explain there are none', async () => {
    const r = await br('--explain', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PlanReport;
    expect(report.explain).toContainEqual({
      line: 33,
      section: 'Completion Checklist',
      reading: 'skipped: a checklist restating other sections',
    });
    expect(report.explain!.filter((e) => e.reading === 'task').flatMap((e) => e.tasks)).toEqual(
      report.tasks.map((t) => t.id),
    );
    const plain = JSON.parse((await br('--json')).stdout) as PlanReport;
    expect(plain.explain).toBeUndefined();
    expect(plain.planHash).toBe(report.planHash);
  });
});
