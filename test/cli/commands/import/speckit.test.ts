import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlanFile } from '../../../../services/plan-source';
import { runBr } from '../../../helpers/cli';
import { createSimBuildBackend } from '../../../helpers/sim-builds';

jest.setTimeout(120_000);

const FIXTURE = path.join(__dirname, '../../../fixtures/import/photo-albums-tasks.md');

describe('br import speckit', () => {
  let dir: string;
  const builds = createSimBuildBackend();
  const br = (...args: string[]) =>
    runBr(args, { cwd: dir, services: { builds }, env: { DATABASE_URL: undefined } });

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-import-sk-'));
    copyFileSync(FIXTURE, path.join(dir, 'tasks.md'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'init');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads ids, [P], phases, the Dependencies section and file paths, and no other section', async () => {
    const r = await br('import', 'speckit', 'tasks.md', '--apply', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ planned: 17, ignored: [], applied: true });
    const file = JSON.parse(
      readFileSync(path.join(dir, '.buildrunner/imports/speckit.plan.json'), 'utf8'),
    ) as PlanFile;
    const deps = Object.fromEntries(
      file.plan.tasks.map((t) => [
        t.id.replace('sk-', ''),
        t.dependsOn.map((d) => d.replace('sk-', '')).sort(),
      ]),
    );
    expect(deps).toEqual({
      T001: [],
      T002: ['T001'],
      // [P]: beside T002, not after it.
      T003: [],
      // Phase 3.2 waits for the tasks phase 3.1 ends with; its [P] tasks not for each other.
      T004: ['T002', 'T003'],
      T005: ['T002', 'T003'],
      T006: ['T002', 'T003'],
      T007: ['T004', 'T005', 'T006'],
      T008: ['T004', 'T005', 'T006'],
      T009: ['T004', 'T005', 'T006', 'T007', 'T008'],
      T010: ['T004', 'T005', 'T006', 'T009'],
      T011: ['T004', 'T005', 'T006', 'T009', 'T010'],
      T012: ['T004', 'T005', 'T006'],
      T013: ['T004', 'T005', 'T006', 'T012'],
      // "T007 blocks T009, T014".
      T014: ['T007', 'T011', 'T013'],
      // Waits for phase 3.3's last tasks as well as T014 before it: redundant, never serialising more.
      T015: ['T007', 'T011', 'T013', 'T014'],
      T016: ['T007', 'T008', 'T009', 'T010', 'T011', 'T012', 'T013', 'T015'],
      T017: ['T007', 'T008', 'T009', 'T010', 'T011', 'T012', 'T013', 'T015'],
    });
    const byId = new Map(file.plan.tasks.map((t) => [t.id, t]));
    expect(byId.get('sk-T010')!.files).toEqual(['src/api/albums.ts']);
    expect(byId.get('sk-T002')!.files).toEqual(['package.json']);
    expect(byId.get('sk-T017')!.files).toEqual(['docs/albums.md']);
    expect(file.plan.tasks.some((t) => /contracts have corresponding tests|Launch/.test(t.title))).toBe(
      false,
    );
    const features = JSON.parse(readFileSync(path.join(dir, '.buildrunner/features.json'), 'utf8')) as {
      features: { id: string; title: string; tasks: string[] }[];
    };
    expect(features.features.map((f) => [f.id, f.title, f.tasks.length])).toEqual([
      ['sk-phase-3.1', 'Setup', 3],
      ['sk-phase-3.2', 'Tests First (TDD) ⚠️ MUST COMPLETE BEFORE 3.3', 3],
      ['sk-phase-3.3', 'Core Implementation (ONLY after tests are failing)', 7],
      ['sk-phase-3.4', 'Integration', 2],
      ['sk-phase-3.5', 'Polish', 2],
    ]);
    const started = await br(
      'build',
      'start',
      'tasks.md',
      '--plan',
      '.buildrunner/imports/speckit.plan.json',
      '--json',
    );
    expect(started.stderr).toBe('');
    const summary = JSON.parse(started.stdout) as { buildId: string };
    expect(builds.builds.get(summary.buildId)!.plan).toEqual(file.plan);
    expect(readFileSync(path.join(dir, 'tasks.md'), 'utf8')).toBe(readFileSync(FIXTURE, 'utf8'));
  });

  it('refuses a Dependencies line that names a task the file does not have', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'br-import-sk-bad-'));
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        path.join(fresh, 'tasks.md'),
        '## Phase 1: Setup\n- [ ] T001 One\n\n## Dependencies\n- T001 blocks T009\n',
      );
      const r = await runBr(['import', 'speckit', 'tasks.md', '--json'], {
        cwd: fresh,
        env: { DATABASE_URL: undefined },
      });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr)).toMatchObject({
        code: 'IMPORT_DANGLING_DEPENDENCY',
        message: 'tasks.md: line 5 ("T001 blocks T009") names T009, which is not a task in the file.',
      });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
