import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBr } from '../../helpers/cli';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('br init', () => {
  it('sets a repository up, and a second run changes nothing', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'br-init-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules/');
    const first = await runBr(['init'], { cwd: repo });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created   buildrunner.config.json');
    expect(first.stdout).toContain('updated   .gitignore');
    const after = snapshot(repo);
    expect(JSON.parse(after['buildrunner.config.json']!)).toMatchObject({ project: path.basename(repo) });
    expect(JSON.parse(after['.buildrunner/features.json']!)).toMatchObject({ version: 2, features: [] });
    expect(after['.gitignore']).toMatch(
      /^node_modules\/\n\n# BuildRunner \(local state\)\n\.buildrunner\/db\/\n/,
    );

    const second = await runBr(['init', '--json'], { cwd: repo });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ created: [], updated: [] });
    expect(snapshot(repo)).toEqual(after);
  });

  it('refuses a folder that is not a git repository, saying what to do', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-init-nogit-'));
    const result = await runBr(['init'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/git init/);
  });

  it('leaves an invalid existing config untouched and names the bad field', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'br-init-bad-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(path.join(repo, 'buildrunner.config.json'), '{"parallel": 0}');
    const result = await runBr(['init'], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/parallel: /);
    expect(readFileSync(path.join(repo, 'buildrunner.config.json'), 'utf8')).toBe('{"parallel": 0}');
  });

  it('br init NAME creates the folder, its git repository and a starter spec that plans; a second run changes nothing', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'br-init-name-'));
    const first = await runBr(['init', 'test-project'], { cwd: base });
    expect(first.code).toBe(0);
    const dir = path.join(base, 'test-project');
    expect(first.stdout).toContain('created   test-project/\ncreated   .git\n');
    expect(
      execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim(),
    ).toBe('main');
    const after = snapshot(dir);
    expect(Object.keys(after).sort()).toEqual([
      '.buildrunner/features.json',
      '.gitignore',
      'PROJECT_SPEC.md',
      'buildrunner.config.json',
    ]);
    expect(JSON.parse(after['buildrunner.config.json']!)).toMatchObject({ project: 'test-project' });
    expect(after['PROJECT_SPEC.md']).toMatch(/^# test-project\n/);
    const plan = await runBr(['plan', 'PROJECT_SPEC.md', '--heuristic-plan', '--json'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as { tasks: unknown[] }).tasks).toHaveLength(1);

    const second = await runBr(['init', 'test-project', '--json'], { cwd: base });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ created: [], updated: [] });
    expect(snapshot(dir)).toEqual(after);
  });

  it('never replaces an edited file without --force, and --force restores the starters', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'br-init-force-'));
    expect((await runBr(['init', 'p'], { cwd: base })).code).toBe(0);
    const dir = path.join(base, 'p');
    const starter = snapshot(dir);
    writeFileSync(path.join(dir, 'PROJECT_SPEC.md'), '# Mine\n');
    writeFileSync(path.join(dir, 'buildrunner.config.json'), '{"project": "mine"}\n');
    const kept = await runBr(['init', 'p', '--json'], { cwd: base });
    expect(JSON.parse(kept.stdout)).toMatchObject({ created: [], updated: [] });
    expect(readFileSync(path.join(dir, 'PROJECT_SPEC.md'), 'utf8')).toBe('# Mine\n');
    const forced = await runBr(['init', 'p', '--force', '--json'], { cwd: base });
    expect(JSON.parse(forced.stdout)).toMatchObject({
      created: [],
      updated: ['buildrunner.config.json', 'PROJECT_SPEC.md'],
    });
    expect(snapshot(dir)).toEqual(starter);

    writeFileSync(path.join(base, 'file'), 'x');
    const notAFolder = await runBr(['init', 'file'], { cwd: base });
    expect(notAFolder.code).toBe(1);
    expect(notAFolder.stdout + notAFolder.stderr).toContain('is not a folder');
  });
});
