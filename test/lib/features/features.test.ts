import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jsonErrorOffset } from '../../../lib/features/json-error';
import { parseFeatures } from '../../../lib/features/schema';
import { renderStatus } from '../../../lib/features/status-md';
import { runBr } from '../../helpers/cli';
import { makeRepo, type TempRepo } from '../../fixtures/repo';

let repo: TempRepo;
beforeEach(() => (repo = makeRepo()));
afterEach(() => repo.cleanup());

const featuresFile = () => path.join(repo.dir, '.buildrunner/features.json');

describe('br feature, br status and br generate', () => {
  it('adds, completes, lists and removes features in a validated features.json', async () => {
    expect(
      (
        await runBr(['feature', 'add', 'login', 'User login', '--required', '--task', 'auth'], {
          cwd: repo.dir,
        })
      ).code,
    ).toBe(0);
    expect(
      (await runBr(['feature', 'add', 'export', 'CSV export', '-d', 'Download as CSV'], { cwd: repo.dir }))
        .code,
    ).toBe(0);
    const dup = await runBr(['feature', 'add', 'login', 'Again'], { cwd: repo.dir });
    expect(dup.code).toBe(1);
    expect(dup.stdout + dup.stderr).toContain('already exists');
    const bad = await runBr(['feature', 'add', 'Bad Id', 'x'], { cwd: repo.dir });
    expect(bad.code).toBe(1);

    let status = await runBr(['status', '--json'], { cwd: repo.dir });
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({
      total: 2,
      complete: 0,
      required: { incomplete: ['login'] },
    });

    expect((await runBr(['feature', 'complete', 'login'], { cwd: repo.dir })).code).toBe(0);
    status = await runBr(['status', '--json'], { cwd: repo.dir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ total: 2, complete: 1, percent: 50 });

    const list = JSON.parse((await runBr(['feature', 'list', '--json'], { cwd: repo.dir })).stdout);
    expect(list.map((f: { id: string; status: string }) => [f.id, f.status])).toEqual([
      ['login', 'complete'],
      ['export', 'planned'],
    ]);
    expect(list[0].tasks).toEqual(['auth']);
    const parsed = parseFeatures(readFileSync(featuresFile(), 'utf8'));
    expect(parsed.ok).toBe(true);

    expect((await runBr(['feature', 'remove', 'export'], { cwd: repo.dir })).code).toBe(0);
    const missing = await runBr(['feature', 'remove', 'export'], { cwd: repo.dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout + missing.stderr).toContain('br feature list');
  });

  it('writes STATUS.md deterministically: the same features.json gives byte-identical output', async () => {
    const input = {
      version: 1,
      project: 'demo',
      features: [
        {
          id: 'zeta',
          title: 'Zeta | pipes',
          status: 'planned',
          required: true,
          updatedAt: '2024-03-01T10:00:00.000Z',
        },
        {
          id: 'alpha',
          title: 'Alpha',
          status: 'complete',
          description: 'Done first.',
          updatedAt: '2024-02-01T10:00:00.000Z',
        },
        { id: 'mid', title: 'Mid', status: 'in_progress', updatedAt: '2024-02-15T10:00:00.000Z' },
      ],
    };
    repo.write('.buildrunner/features.json', JSON.stringify(input));
    expect((await runBr(['generate'], { cwd: repo.dir })).code).toBe(0);
    const first = readFileSync(path.join(repo.dir, 'STATUS.md'));
    const again = await runBr(['generate'], { cwd: repo.dir });
    expect(again.stdout).toContain('already up to date');
    expect(readFileSync(path.join(repo.dir, 'STATUS.md')).equals(first)).toBe(true);
    expect((await runBr(['generate', '--check'], { cwd: repo.dir })).code).toBe(0);

    const text = first.toString();
    expect(text.indexOf('`mid`')).toBeLessThan(text.indexOf('`zeta`'));
    expect(text.indexOf('`zeta`')).toBeLessThan(text.indexOf('`alpha`'));
    expect(text).toContain('Zeta \\| pipes');
    expect(text).toContain('**Required:** 0/1 complete · missing: zeta');
    expect(text).not.toMatch(new RegExp(String(new Date().getFullYear())));

    const parsed = parseFeatures(JSON.stringify(input));
    if (!parsed.ok) throw new Error('fixture invalid');
    expect(renderStatus(parsed.value)).toBe(text);

    writeFileSync(featuresFile(), JSON.stringify({ ...input, features: input.features.slice(1) }));
    expect((await runBr(['generate', '--check'], { cwd: repo.dir })).code).toBe(1);
  });

  it('reports schema problems with the file and line', () => {
    const text =
      '{\n  "features": [\n    {\n      "id": "ok",\n      "title": "Ok",\n      "updatedAt": "2024-01-01T00:00:00.000Z"\n    },\n    {\n      "id": "ok",\n      "title": "",\n      "updatedAt": "yesterday"\n    }\n  ]\n}\n';
    const parsed = parseFeatures(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.problems.map((p) => `${p.file}:${p.line} ${p.message.split(':')[0]}`).sort();
    expect(lines).toEqual([
      '.buildrunner/features.json:10 features.1.title',
      '.buildrunner/features.json:11 features.1.updatedAt',
      '.buildrunner/features.json:9 features.1.id',
    ]);
    const syntax = parseFeatures('{\n  "features": [\n  }\n');
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.problems[0]!.line).toBe(3);
    const valid = [{ a: [1, -2.5e3, 'x\\"y', null, true, false, {}], b: { c: [] } }, [], 'text', 0];
    for (const v of valid) expect(jsonErrorOffset(JSON.stringify(v, null, 2))).toBe(-1);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
  });
});
