import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { planFromMarkdown } from '../../../../lib/planner/heuristic';
import { runBr } from '../../../helpers/cli';
import { BR_BIN, brBinEnv } from '../../../fixtures/br-process';
import { makeRepo, type TempRepo } from '../../../fixtures/repo';

jest.setTimeout(60_000);

let repo: TempRepo;
beforeEach(() => (repo = makeRepo()));
afterEach(() => repo.cleanup());

// Never prompt, even when the test runner's stdin is a terminal.
const env = { BR_NO_INPUT: '1' };
const br = (...argv: string[]) => runBr(argv, { cwd: repo.dir, env });
const spec = () => readFileSync(path.join(repo.dir, 'PROJECT_SPEC.md'), 'utf8');

const answers = {
  project: 'Clinic',
  description: 'A dashboard for ward nurses.',
  industry: 'Healthcare',
  useCase: 'Dashboard',
  features: [
    {
      title: 'Design System',
      id: 'F001',
      priority: 'critical',
      acceptance: ['Every text pair passes WCAG AA'],
    },
    {
      title: 'Patient list',
      priority: 'high',
      required: true,
      description: 'Patients on the ward, with their beds.',
      acceptance: ['Lists the patients of one ward', 'Filters by bed'],
      dependsOn: ['Design System'],
    },
    { title: 'Alerts', dependsOn: ['patient-list', 'f001'], acceptance: ['A missed dose raises an alert'] },
  ],
};

describe('br spec wizard', () => {
  it('writes PROJECT_SPEC.md from an answers file, tracks the features, and the spec plans cleanly', async () => {
    writeFileSync(path.join(repo.dir, 'answers.json'), JSON.stringify(answers));
    const first = await br('spec', 'wizard', '--answers', 'answers.json');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created   PROJECT_SPEC.md');
    const text = spec();
    expect(text).toMatch(/^# Clinic\n\nA dashboard for ward nurses\.\n/);
    expect(text).toContain('## Feature: Patient list\n\nId: patient-list · priority high · required\n');
    expect(text).toContain('Depends on: Patient list, Design System');
    expect(text).toContain('- R2.1 Lists the patients of one ward\n- R2.2 Filters by bed\n');
    // br design is installed: the wizard checks the names and writes the ids a build reads back.
    expect(text).toContain('industry profile **healthcare**, use-case pattern **dashboard**');

    const plan = await br('plan', 'PROJECT_SPEC.md', '--heuristic-plan', '--json');
    expect(plan.code).toBe(0);
    const tasks = (JSON.parse(plan.stdout) as { tasks: { id: string; dependsOn: string[] }[] }).tasks;
    expect(tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['design-system-1', []],
      ['patient-list-1', ['design-system-1']],
      ['alerts-1', ['patient-list-1', 'design-system-1']],
    ]);
    expect(planFromMarkdown(text).tasks[1]!.acceptance).toEqual([
      'R2.1 Lists the patients of one ward',
      'R2.2 Filters by bed',
    ]);

    const features = JSON.parse(readFileSync(path.join(repo.dir, '.buildrunner/features.json'), 'utf8'));
    expect(
      features.features.map((f: { id: string; priority: string; required: boolean }) => [
        f.id,
        f.priority,
        f.required,
      ]),
    ).toEqual([
      ['F001', 'critical', false],
      ['patient-list', 'high', true],
      ['alerts', 'medium', false],
    ]);

    const again = await br('spec', 'new', '--answers', 'answers.json', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      spec: { outcome: 'unchanged' },
      features: { added: [], existing: ['F001', 'patient-list', 'alerts'] },
    });
    expect(spec()).toBe(text);

    const other = await br('spec', 'wizard', '--answers', 'answers.json', '--project', 'Other');
    expect(other.code).toBe(1);
    expect(other.stdout + other.stderr).toContain('--force');
    expect(spec()).toBe(text);
    expect(
      (await br('spec', 'wizard', '--answers', 'answers.json', '--project', 'Other', '--force')).code,
    ).toBe(0);
    expect(spec()).toMatch(/^# Other\n/);
  });

  it('takes every answer as a flag and says what is wrong with a bad one', async () => {
    const ok = await br(
      'spec',
      'wizard',
      '--project',
      'Shop',
      '--description',
      'A small shop',
      '--feature',
      'Catalog | priority=high | id=F001 | accept=Lists products; Shows prices',
      '--feature',
      'Cart | required | description=Holds items | after=Catalog',
    );
    expect(ok.code).toBe(0);
    expect(spec()).toContain(
      '## Feature: Cart\n\nId: cart · priority medium · required\nHolds items\n\nDepends on: Catalog\n',
    );
    expect(spec()).toContain('- R1.2 Shows prices');

    const unknownPart = await br(
      'spec',
      'new',
      '--project',
      'x',
      '--description',
      'y',
      '--feature',
      'A | colour=red',
      '--out',
      'b.md',
    );
    // A bad flag value is a usage error: exit 2, like every br command (README, exit codes).
    expect(unknownPart.code).toBe(2);
    expect(unknownPart.stdout + unknownPart.stderr).toContain('unknown part "colour=red"');
    const unknownDep = await br(
      'spec',
      'new',
      '--project',
      'x',
      '--description',
      'y',
      '--feature',
      'A | after=Nope',
      '--out',
      'b.md',
    );
    expect(unknownDep.code).toBe(1);
    expect(unknownDep.stdout + unknownDep.stderr).toContain('depends on "Nope"');
    const cycle = await br(
      'spec',
      'new',
      '--project',
      'x',
      '--description',
      'y',
      '--feature',
      'A | after=B',
      '--feature',
      'B | after=A',
      '--out',
      'b.md',
    );
    expect(cycle.code).toBe(1);
    expect(cycle.stdout + cycle.stderr).toContain('cycle: A → B → A');
  });

  it('replaces the untouched starter spec of br init NAME without --force, never an edited one', async () => {
    const base = repo.dir;
    expect((await runBr(['init', 'proj'], { cwd: base })).code).toBe(0);
    const dir = path.join(base, 'proj');
    const starter = readFileSync(path.join(dir, 'PROJECT_SPEC.md'), 'utf8');
    const flags = ['--project', 'proj', '--description', 'Mine', '--feature', 'One'];
    writeFileSync(path.join(dir, 'PROJECT_SPEC.md'), `${starter}\nMy own note.\n`);
    expect((await runBr(['spec', 'wizard', ...flags], { cwd: dir, env })).code).toBe(1);
    writeFileSync(path.join(dir, 'PROJECT_SPEC.md'), starter);
    const replaced = await runBr(['spec', 'wizard', ...flags], { cwd: dir, env });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('replaced  PROJECT_SPEC.md');
  });

  it('never prompts without a terminal: stdin from /dev/null exits 2 within 5 seconds naming the flags', () => {
    const env = { ...process.env, ...brBinEnv(), CI: '', CLAUDECODE: '', BR_NO_INPUT: '' };
    // The first start compiles the code (tsx or node caches it); the limit is about hanging, not startup.
    spawnSync(process.execPath, [BR_BIN, '--version'], { env, timeout: 60_000 });
    const devNull = openSync('/dev/null', 'r');
    const run = spawnSync(process.execPath, [BR_BIN, 'spec', 'wizard', '--project', 'x'], {
      cwd: repo.dir,
      env,
      stdio: [devNull, 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 5_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Missing answer: the project description. Pass --description');
    expect(run.stderr).toContain(
      'Pass --feature "Title" (repeatable) or put "features" in the --answers file',
    );
    expect(run.stderr).not.toContain('the project name');
    expect(run.stderr).toContain('Not prompting: stdin is not a terminal.');

    const inCi = spawnSync(process.execPath, [BR_BIN, 'spec', 'wizard'], {
      cwd: repo.dir,
      env: { ...env, CI: 'true' },
      stdio: [devNull, 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 5_000,
    });
    closeSync(devNull);
    expect(inCi.status).toBe(2);
    expect(inCi.stderr).toContain('Not prompting: CI is set.');
  });
});
