import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeatures } from '../../../lib/features/schema';
import { renderStatus } from '../../../lib/features/status-md';
import { runBr } from '../../helpers/cli';
import { makeRepo, type TempRepo } from '../../fixtures/repo';

let repo: TempRepo;
beforeEach(() => (repo = makeRepo()));
afterEach(() => repo.cleanup());

const featuresFile = () => path.join(repo.dir, '.buildrunner/features.json');
const br = (...argv: string[]) => runBr(argv, { cwd: repo.dir });

describe('features with ids as users type them and priorities', () => {
  it('takes a title with --id and --priority, derives ids from titles and matches ids ignoring case', async () => {
    const added = await br('feature', 'add', 'Design System', '--id', 'F001', '--priority', 'critical');
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('Added F001 (critical, planned)');
    expect((await br('feature', 'add', 'Gap Analyzer', '--required')).code).toBe(0);
    expect((await br('feature', 'add', 'Login', '--priority', 'high', '-d', 'Email and password')).code).toBe(
      0,
    );
    expect((await br('feature', 'add', 'Crème brûlée export', '--priority', 'low')).code).toBe(0);

    const badPriority = await br('feature', 'add', 'Search', '--priority', 'urgent');
    expect(badPriority.code).toBe(2); // a bad option value is a usage error
    expect(badPriority.stdout + badPriority.stderr).toMatch(/priority/);
    const dupIgnoringCase = await br('feature', 'add', 'Again', '--id', 'f001');
    expect(dupIgnoringCase.code).toBe(1);
    expect(dupIgnoringCase.stdout + dupIgnoringCase.stderr).toContain('"F001" already exists');
    const noId = await br('feature', 'add', '!!!');
    expect(noId.code).toBe(1);
    expect(noId.stdout + noId.stderr).toContain('--id');
    const both = await br('feature', 'add', 'x', 'X title', '--id', 'y');
    expect(both.code).toBe(2); // an id given twice is a usage error

    const file = JSON.parse(readFileSync(featuresFile(), 'utf8'));
    expect(file.version).toBe(2);
    expect(file.features.map((f: { id: string; priority: string }) => [f.id, f.priority])).toEqual([
      ['F001', 'critical'],
      ['gap-analyzer', 'medium'],
      ['login', 'high'],
      ['creme-brulee-export', 'low'],
    ]);

    expect((await br('feature', 'start', 'f001')).stdout).toContain('Marked in_progress: F001');
    expect((await br('feature', 'complete', 'GAP-ANALYZER')).stdout).toContain(
      'Marked complete: gap-analyzer',
    );
    expect((await br('feature', 'complete', 'nope')).code).toBe(1);

    const list = await br('feature', 'list');
    expect(list.code).toBe(0);
    const rows = list.stdout.split('\n').filter((l) => /^(F001|login|gap-analyzer|creme)/.test(l));
    expect(rows.map((r) => r.split(/\s+/).slice(0, 3))).toEqual([
      ['F001', 'critical', 'in_progress'],
      ['login', 'high', 'planned'],
      ['gap-analyzer', 'medium', 'complete'],
      ['creme-brulee-export', 'low', 'planned'],
    ]);
    expect(list.stdout).toContain(
      'Complete by priority: critical 0/1 (0%) · high 0/1 (0%) · medium 1/1 (100%) · low 0/1 (0%)',
    );

    const status = await br('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('1/4 features complete (25%), 1 in progress, 2 planned.');
    expect(status.stdout).toMatch(/critical\s+0\/1 \(0%\) complete/);
    const json = JSON.parse((await br('status', '--json')).stdout);
    expect(json.byPriority).toEqual({
      critical: { total: 1, complete: 0 },
      high: { total: 1, complete: 0 },
      medium: { total: 1, complete: 1 },
      low: { total: 1, complete: 0 },
    });

    expect((await br('feature', 'remove', 'CREME-brulee-export')).code).toBe(0);
    expect(JSON.parse(readFileSync(featuresFile(), 'utf8')).features).toHaveLength(3);
  });

  it('groups STATUS.md by status, then priority, byte-identical for the same file', async () => {
    const features = [
      { id: 'b-low', title: 'B', priority: 'low', status: 'planned' },
      { id: 'A-crit', title: 'A', priority: 'critical', status: 'planned' },
      { id: 'c', title: 'C', priority: 'critical', status: 'complete' },
      { id: 'd', title: 'D', status: 'in_progress' },
      { id: 'a-high', title: 'A2', priority: 'high', status: 'planned' },
    ].map((f) => ({ ...f, updatedAt: '2024-05-01T00:00:00.000Z' }));
    repo.write('.buildrunner/features.json', JSON.stringify({ version: 2, project: 'demo', features }));
    expect((await br('generate')).code).toBe(0);
    const text = readFileSync(path.join(repo.dir, 'STATUS.md'), 'utf8');
    const order = [
      '## In progress (1)',
      '`d`',
      '## Planned (3)',
      '`A-crit`',
      '`a-high`',
      '`b-low`',
      '## Complete (1)',
      '`c`',
    ];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(text).toContain('| critical | 1 | 2 |');
    expect(text).toContain('| `d` | D | medium | 🚧 in progress | no | — | 2024-05-01 |');

    const reordered = { version: 2, project: 'demo', features: [...features].reverse() };
    const parsed = parseFeatures(JSON.stringify(reordered));
    if (!parsed.ok) throw new Error('fixture invalid');
    expect(renderStatus(parsed.value)).toBe(text);
    expect((await br('generate')).stdout).toContain('already up to date');
  });

  it('upgrades a version 1 features.json: read as it is, written back as version 2 with priority medium', async () => {
    const v1 = {
      version: 1,
      project: 'old',
      features: [
        {
          id: 'login',
          title: 'Login',
          description: 'd',
          status: 'in_progress',
          required: true,
          tasks: ['auth'],
          updatedAt: '2024-01-01T00:00:00.000Z',
        },
        { id: 'export', title: 'Export', updatedAt: '2024-01-02T00:00:00.000Z' },
      ],
    };
    const v1Text = `${JSON.stringify(v1, null, 2)}\n`;
    repo.write('.buildrunner/features.json', v1Text);

    const status = JSON.parse((await br('status', '--json')).stdout);
    expect(status).toMatchObject({ total: 2, byPriority: { medium: { total: 2, complete: 0 } } });
    expect(readFileSync(featuresFile(), 'utf8')).toBe(v1Text);
    expect((await br('generate')).code).toBe(0);
    expect(readFileSync(featuresFile(), 'utf8')).toBe(v1Text);

    expect((await br('feature', 'complete', 'export')).code).toBe(0);
    const upgraded = JSON.parse(readFileSync(featuresFile(), 'utf8'));
    expect(upgraded.version).toBe(2);
    expect(upgraded.project).toBe('old');
    expect(upgraded.features[0]).toEqual({ ...v1.features[0], priority: 'medium' });
    expect(Object.keys(upgraded.features[1])).toEqual([
      'id',
      'title',
      'description',
      'status',
      'priority',
      'required',
      'tasks',
      'updatedAt',
    ]);
    expect(upgraded.features[1]).toMatchObject({ status: 'complete', priority: 'medium' });

    const noVersion = parseFeatures(JSON.stringify({ features: v1.features }));
    expect(noVersion.ok && noVersion.value.version).toBe(2);
    const future = parseFeatures('{\n  "version": 3,\n  "features": []\n}\n');
    expect(future.ok).toBe(false);
    if (!future.ok)
      expect(future.problems[0]).toMatchObject({ line: 2, message: expect.stringContaining('newer br') });
  });
});
