import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImportError } from '../../lib/import/errors';
import { createContext } from '../../services/context';
import { importTasks, type ImportOptions } from '../../services/importer';

/**
 * `br import` on what an attacker or an accident leaves: a source too big, a FIFO or /dev/zero as the
 * source, a corrupt ledger, and task files whose ids or dependencies are wrong. Each gets an
 * ImportError naming the file (and the task, when one is to blame) and nothing is written.
 */
let dir: string;
const ctx = () => createContext({ cwd: dir, env: { ...process.env, DATABASE_URL: undefined } });
const run = (options: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'sourcePath'>) =>
  importTasks(ctx(), { apply: true, ...options });
function refusal(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return err as ImportError;
  }
  throw new Error('expected an ImportError');
}
/** Every file under .buildrunner and features.json, with its bytes. */
const written = () => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out[path.relative(dir, path.join(d, e.name))] = readFileSync(path.join(d, e.name), 'utf8');
  };
  walk(path.join(dir, '.buildrunner'));
  return out;
};
const GOOD = {
  tasks: [
    { id: 1, title: 'Model', status: 'pending', dependencies: [] },
    { id: 2, title: 'API', status: 'pending', dependencies: [1] },
  ],
};

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'br-import-hostile-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('br import on hostile sources', () => {
  it('refuses a source over planner.maxImportBytes before reading it, in the spec limit style', () => {
    writeFileSync(
      path.join(dir, 'buildrunner.config.json'),
      JSON.stringify({ planner: { maxImportBytes: 2048 } }),
    );
    writeFileSync(
      path.join(dir, 'tasks.json'),
      JSON.stringify({ tasks: [{ id: 1, title: 'x'.repeat(4000) }] }),
    );
    const e = refusal(() => run({ format: 'taskmaster', sourcePath: 'tasks.json' }));
    expect(e.code).toBe('IMPORT_TOO_LARGE');
    expect(e.path).toBe('tasks.json');
    expect(e.message).toMatch(
      /^The task file tasks\.json is 3\.9 KiB \(\d+ bytes\), over the importer's limit of 2\.0 KiB \(planner\.maxImportBytes = 2048\)\.$/,
    );
    expect(written()).toEqual({});
  });

  it('refuses a FIFO (with no writer) and /dev/zero at once instead of hanging', () => {
    const fifo = path.join(dir, 'tasks.json');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(refusal(() => run({ format: 'taskmaster', sourcePath: 'tasks.json' })).code).toBe(
      'IMPORT_NOT_A_FILE',
    );
    expect(refusal(() => run({ format: 'speckit', sourcePath: '/dev/zero' })).message).toMatch(
      /^\/dev\/zero is not a regular file/,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(written()).toEqual({});
  });

  it.each([
    ['not JSON', '{"format": "buildrunner-import-ledger/1", "entries": [', /is not JSON/],
    ['JSON of another shape', '[1, 2, 3]', /is not a BuildRunner import ledger/],
    [
      'entries that are not a list',
      JSON.stringify({ format: 'buildrunner-import-ledger/1', entries: { id: 1 }, groups: [] }),
      /has no list of entries/,
    ],
    [
      'entries without hashes',
      JSON.stringify({ format: 'buildrunner-import-ledger/1', entries: [null], groups: [] }),
      /has no list of entries/,
    ],
  ])(
    'refuses a corrupt ledger (%s) naming it and what to do, and writes nothing',
    (_what, bytes, problem) => {
      writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify(GOOD));
      run({ format: 'taskmaster', sourcePath: 'tasks.json' });
      writeFileSync(path.join(dir, '.buildrunner/imports/taskmaster.ledger.json'), bytes);
      writeFileSync(
        path.join(dir, 'tasks.json'),
        JSON.stringify({ tasks: [...GOOD.tasks, { id: 3, title: 'UI' }] }),
      );
      const before = written();
      const e = refusal(() => run({ format: 'taskmaster', sourcePath: 'tasks.json' }));
      expect(e.code).toBe('IMPORT_BAD_LEDGER');
      expect(e.path).toBe('.buildrunner/imports/taskmaster.ledger.json');
      expect(e.message).toMatch(problem);
      expect(e.message).toMatch(
        /^The import ledger \.buildrunner\/imports\/taskmaster\.ledger\.json .*Delete it/,
      );
      expect(written()).toEqual(before);
    },
  );
});

describe('br import on task files with bad ids or dependencies', () => {
  it.each([
    [
      'a duplicate subtask id',
      {
        tasks: [
          {
            id: 1,
            title: 'A',
            subtasks: [
              { id: 1, title: 'a' },
              { id: 1, title: 'b' },
            ],
          },
        ],
      },
      'IMPORT_DUPLICATE_ID',
      '1.1',
    ],
    [
      'a subtask depending on a missing subtask',
      { tasks: [{ id: 1, title: 'A', subtasks: [{ id: 1, title: 'a', dependencies: [5] }] }] },
      'IMPORT_DANGLING_DEPENDENCY',
      '1.1',
    ],
    [
      'a cycle through a subtask',
      {
        tasks: [
          { id: 1, title: 'A', dependencies: [2] },
          { id: 2, title: 'B', subtasks: [{ id: 1, title: 'b', dependencies: ['1'] }] },
        ],
      },
      'IMPORT_CYCLE',
      null,
    ],
    ['a tagged file that is not JSON', '{"master": {"tasks": [}', 'IMPORT_BAD_JSON', null],
  ])(
    'Task Master: refuses %s with the path and id, and writes nothing over a good import',
    (_what, source, code, id) => {
      writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify(GOOD));
      run({ format: 'taskmaster', sourcePath: 'tasks.json' });
      const before = written();
      writeFileSync(
        path.join(dir, 'tasks.json'),
        typeof source === 'string' ? source : JSON.stringify(source),
      );
      const e = refusal(() => run({ format: 'taskmaster', sourcePath: 'tasks.json' }));
      expect([e.code, e.path]).toEqual([code, 'tasks.json']);
      if (id) expect([e.id, e.message]).toEqual([id, expect.stringContaining(`"${id}"`)]);
      if (code === 'IMPORT_CYCLE') expect(e.message).toMatch(/cycle: .* -> /);
      expect(written()).toEqual(before);
    },
  );

  it.each([
    [
      'a duplicate id',
      '## Phase 1: Setup\n- [ ] T001 One\n- [ ] T001 Again\n',
      'IMPORT_DUPLICATE_ID',
      'T001',
    ],
    [
      'a cycle through the Dependencies section',
      '## Phase 1: Setup\n- [ ] T001 One\n- [ ] T002 Two\n\n## Dependencies\n- T002 blocks T001\n',
      'IMPORT_CYCLE',
      'T001',
    ],
    [
      'a dependency on a missing task',
      '## Phase 1\n- [ ] T001 One\n\n## Dependencies\n- T003 before T001\n',
      'IMPORT_DANGLING_DEPENDENCY',
      'T003',
    ],
    ['no task at all', '# Tasks: nothing\n\nJust prose.\n', 'IMPORT_NO_TASKS', null],
  ])('Spec Kit: refuses %s with the path and id, and writes nothing', (_what, source, code, id) => {
    writeFileSync(path.join(dir, 'tasks.md'), source);
    const e = refusal(() => run({ format: 'speckit', sourcePath: 'tasks.md' }));
    expect([e.code, e.path, e.id]).toEqual([code, 'tasks.md', id]);
    if (id) expect(e.message).toContain(id);
    expect(written()).toEqual({});
  });

  it('keeps the plan and ledger of a tag like "x/../../../out" inside .buildrunner/imports', () => {
    const tag = 'x/../../../../out';
    writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify({ [tag]: GOOD }));
    const report = run({ format: 'taskmaster', sourcePath: 'tasks.json' });
    expect(report.tag).toBe(tag);
    expect(report.planFile.startsWith('.buildrunner/imports/')).toBe(true);
    expect(report.ledgerFile.startsWith('.buildrunner/imports/')).toBe(true);
    expect(path.dirname(report.ledgerFile)).toBe('.buildrunner/imports');
    expect(existsSync(path.join(dir, report.ledgerFile))).toBe(true);
    expect(existsSync(path.join(dir, '..', 'out.ledger.json'))).toBe(false);
  });
});
