import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlanFile } from '../../../../services/plan-source';
import { runBr } from '../../../helpers/cli';
import { createSimBuildBackend } from '../../../helpers/sim-builds';

jest.setTimeout(120_000);

const TASKS = {
  master: {
    tasks: [
      {
        id: 1,
        title: 'Set up the repository',
        description: 'Create the project skeleton',
        status: 'done',
        dependencies: [],
        priority: 'high',
        details: 'npm init, tsconfig',
        testStrategy: 'npm test runs',
      },
      {
        id: 2,
        title: 'Accounts',
        description: 'Sign-up and login',
        status: 'pending',
        dependencies: [1],
        priority: 'high',
        details: 'Use bcrypt for passwords',
        testStrategy: 'Log in with a new account',
        complexity: 6,
        subtasks: [
          { id: 1, title: 'User model', description: '', status: 'pending', dependencies: [], details: '' },
          {
            id: 2,
            title: 'Login route',
            description: '',
            status: 'in-progress',
            dependencies: [1],
            details: '',
          },
        ],
      },
      {
        id: 3,
        title: 'Channels',
        description: 'Chat channels',
        status: 'pending',
        dependencies: ['2'],
        priority: 'medium',
        details: '',
        testStrategy: '',
      },
      {
        id: 4,
        title: 'Dark mode',
        description: 'Theme',
        status: 'deferred',
        dependencies: [],
        priority: 'low',
      },
    ],
    metadata: { created: '2026-11-01T00:00:00Z' },
  },
};

describe('br import taskmaster', () => {
  let dir: string;
  const builds = createSimBuildBackend();
  const br = (...args: string[]) =>
    runBr(args, { cwd: dir, services: { builds }, env: { DATABASE_URL: undefined } });
  const write = (name: string, value: unknown) =>
    writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  const source = () => readFileSync(path.join(dir, 'tasks.json'), 'utf8');

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-import-tm-'));
    write('tasks.json', TASKS);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'init');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a dry run by default: it reports the plan and writes nothing', async () => {
    const before = source();
    const r = await br('import', 'taskmaster', 'tasks.json', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      applied: false,
      noop: false,
      tag: 'master',
      planned: 4,
      notPlanned: [
        { id: '1', status: 'done' },
        { id: '4', status: 'deferred' },
      ],
      tasks: { added: ['1', '2', '2.1', '2.2', '3', '4'], changed: [], removed: [], unchanged: 0 },
      droppedDependencies: [{ task: '2', on: '1', status: 'done' }],
      keptFields: { complexity: 1 },
    });
    expect(existsSync(path.join(dir, '.buildrunner'))).toBe(false);
    expect(source()).toBe(before);
  });

  it('writes a plan that br build start --plan builds exactly, and the features', async () => {
    const r = await br('import', 'taskmaster', 'tasks.json', '--apply');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Kept as they were (not mapped): complexity (1 task(s))');
    const planPath = '.buildrunner/imports/taskmaster.plan.json';
    const file = JSON.parse(readFileSync(path.join(dir, planPath), 'utf8')) as PlanFile;
    expect(file.plan.tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['tm-2', ['tm-2.1', 'tm-2.2']],
      ['tm-2.1', []],
      ['tm-2.2', ['tm-2.1']],
      ['tm-3', ['tm-2']],
    ]);
    const accounts = file.plan.tasks[0]!;
    expect(accounts.description).toBe('Sign-up and login\n\nDetails:\nUse bcrypt for passwords');
    expect(accounts.acceptance).toEqual(['Log in with a new account']);
    const features = JSON.parse(readFileSync(path.join(dir, '.buildrunner/features.json'), 'utf8')) as {
      features: { id: string; status: string; priority: string; tasks: string[] }[];
    };
    expect(features.features.map((f) => [f.id, f.status, f.priority, f.tasks])).toEqual([
      ['tm-1', 'complete', 'high', []],
      ['tm-2', 'planned', 'high', ['tm-2', 'tm-2.1', 'tm-2.2']],
      ['tm-3', 'planned', 'medium', ['tm-3']],
      ['tm-4', 'planned', 'low', []],
    ]);

    const started = await br('build', 'start', 'tasks.json', '--plan', planPath, '--json');
    expect(started.stderr).toBe('');
    const summary = JSON.parse(started.stdout) as { buildId: string; planHash: string };
    expect(summary.planHash).toBe(file.planHash);
    expect(builds.builds.get(summary.buildId)!.plan).toEqual(file.plan);
  });

  it('does nothing on a re-run, and on a changed source updates only what changed', async () => {
    const plan = path.join(dir, '.buildrunner/imports/taskmaster.plan.json');
    const again = await br('import', 'taskmaster', 'tasks.json', '--apply', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ noop: true, applied: false });

    // A status set by hand on an unchanged feature survives the next import.
    const featuresFile = path.join(dir, '.buildrunner/features.json');
    const features = JSON.parse(readFileSync(featuresFile, 'utf8')) as {
      features: { id: string; status: string }[];
    };
    features.features.find((f) => f.id === 'tm-2')!.status = 'in_progress';
    writeFileSync(featuresFile, JSON.stringify(features, null, 2));
    const changed = structuredClone(TASKS);
    changed.master.tasks[2]!.title = 'Channels and threads';
    write('tasks.json', changed);
    const before = readFileSync(plan, 'utf8');
    const r = await br('import', 'taskmaster', 'tasks.json', '--apply', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({
      applied: true,
      tasks: { added: [], changed: ['3'], removed: [], unchanged: 5 },
      features: { added: [], updated: ['tm-3'], removed: [], unchanged: 3 },
    });
    expect(readFileSync(plan, 'utf8')).not.toBe(before);
    const after = JSON.parse(readFileSync(featuresFile, 'utf8')) as {
      features: { id: string; status: string; title: string }[];
    };
    expect(after.features.find((f) => f.id === 'tm-2')!.status).toBe('in_progress');
    expect(after.features.find((f) => f.id === 'tm-3')!.title).toBe('Channels and threads');
  });

  it.each([
    ['not JSON', '{ "tasks": [ { "id": 1, ', 'IMPORT_BAD_JSON', /tasks\.json is not JSON \(line 1\)/],
    [
      'a duplicate id',
      {
        tasks: [
          { id: 1, title: 'A' },
          { id: 1, title: 'B' },
        ],
      },
      'IMPORT_DUPLICATE_ID',
      /tasks\.json: task id "1" is used twice \(tasks\[0\] and tasks\[1\]\)/,
    ],
    [
      'a dependency on a missing task',
      { tasks: [{ id: 1, title: 'A', dependencies: [7] }] },
      'IMPORT_DANGLING_DEPENDENCY',
      /task "1" \(tasks\[0\]\) depends on "7", which is not in the file/,
    ],
    [
      'a cycle',
      {
        tasks: [
          { id: 1, title: 'A', dependencies: [2] },
          { id: 2, title: 'B', dependencies: [1] },
        ],
      },
      'IMPORT_CYCLE',
      /the dependencies form a cycle: 1 -> 2 -> 1/,
    ],
    [
      'an unknown status',
      { tasks: [{ id: 1, title: 'A', status: 'wip' }] },
      'IMPORT_UNKNOWN_STATUS',
      /task "1" \(tasks\[0\]\) has status "wip"/,
    ],
  ])(
    'refuses %s with a typed error naming the file and task, and writes nothing',
    async (_what, content, code, message) => {
      const fresh = mkdtempSync(path.join(os.tmpdir(), 'br-import-bad-'));
      try {
        writeFileSync(
          path.join(fresh, 'tasks.json'),
          typeof content === 'string' ? content : JSON.stringify(content),
        );
        const r = await runBr(['import', 'taskmaster', 'tasks.json', '--apply', '--json'], {
          cwd: fresh,
          env: { DATABASE_URL: undefined },
        });
        expect(r.code).toBe(1);
        const error = JSON.parse(r.stderr) as { code: string; message: string };
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
        expect(existsSync(path.join(fresh, '.buildrunner'))).toBe(false);
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
  );
});
