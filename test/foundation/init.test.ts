import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBr } from '../helpers/cli';

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
});
