import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanStats } from '../../lib/secrets';
import { scanPaths, scanStaged } from '../../services/secrets-files';
import { runBr } from '../helpers/cli';

const secret = () => `ghp_${'Kx9mQ2wE7rT4'.repeat(3)}`;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'br-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), content);
}

describe('scanPaths', () => {
  it('walks folders and skips node_modules, .git, binary files and files over the size limit', async () => {
    write('src/a.ts', `export const t = '${secret()}';\n`);
    write('node_modules/pkg/index.js', `module.exports = '${secret()}';\n`);
    write('.git/config', `token = ${secret()}\n`);
    write('img.png', Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.from(secret())]));
    write('big.txt', `${'a'.repeat(2000)}\n${secret()}\n`);
    const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, filesSkipped: 0 };
    const findings = await scanPaths([], { cwd: dir, maxFileBytes: 1000, stats });
    expect(findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/a.ts:1']);
    expect(stats).toEqual(expect.objectContaining({ filesScanned: 1, filesSkipped: 2 }));
  });

  it('honours .buildrunner/secretignore in gitignore syntax', async () => {
    write('fixtures/keys.ts', `export const t = '${secret()}';\n`);
    write('src/a.ts', `export const t = '${secret()}';\n`);
    write('src/b.test.ts', `export const t = '${secret()}';\n`);
    write('.buildrunner/secretignore', 'fixtures/\n*.test.ts\n');
    expect((await scanPaths(['.'], { cwd: dir })).map((f) => f.file)).toEqual(['src/a.ts']);
  });
});

describe('scanStaged', () => {
  beforeEach(() => {
    git(dir, 'init', '-q');
    git(dir, 'config', 'user.email', 't@example.com');
    git(dir, 'config', 'user.name', 't');
  });

  it('finds a staged secret even after the working file was overwritten with clean text', async () => {
    write('config.ts', `export const t = '${secret()}';\n`);
    git(dir, 'add', 'config.ts');
    write('config.ts', 'export const t = process.env.TOKEN;\n');
    expect(await scanStaged(dir)).toEqual([
      expect.objectContaining({ file: 'config.ts', line: 1, rule: 'github-token' }),
    ]);
  });

  it('ignores a secret that is only in the working tree, not staged', async () => {
    write('config.ts', 'export const t = process.env.TOKEN;\n');
    git(dir, 'add', 'config.ts');
    write('config.ts', `export const t = '${secret()}';\n`);
    write('untracked.ts', `export const t = '${secret()}';\n`);
    expect(await scanStaged(dir)).toEqual([]);
  });

  it('reads paths relative to the repository root when run from a subfolder, including odd file names', async () => {
    write('deep/dir/we ird"name.env', `TOKEN=${secret()}\n`);
    write('deep/clean.txt', 'nothing here\n');
    git(dir, 'add', '.');
    const findings = await scanStaged(path.join(dir, 'deep'));
    expect(findings.map((f) => f.file)).toEqual(['deep/dir/we ird"name.env']);
  });
});

describe('br security scan', () => {
  it('exits 1 with file, line, rule, a masked excerpt and how to suppress', async () => {
    write('src/a.ts', `\nexport const t = '${secret()}';\n`);
    const result = await runBr(['security', 'scan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("src/a.ts:2:19  github-token  export const t = 'ghp_********T4';");
    expect(result.stdout).toContain('br-ignore-secret');
    expect(result.stdout).not.toContain(secret());
  });

  it('exits 0 on a clean folder', async () => {
    write('src/a.ts', 'export const t = process.env.TOKEN;\n');
    const result = await runBr(['security', 'scan', 'src'], { cwd: dir });
    expect(result).toEqual(
      expect.objectContaining({ code: 0, stdout: 'No secrets found (1 file scanned).\n' }),
    );
  });

  it('prints findings and counts as JSON', async () => {
    write('a.env', `TOKEN=${secret()}\n`);
    const result = await runBr(['security', 'scan', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      mode: 'paths',
      findings: [
        { file: 'a.env', line: 1, column: 7, rule: 'github-token', excerpt: 'TOKEN=ghp_********T4' },
      ],
      counts: expect.objectContaining({
        findings: 1,
        filesWithFindings: 1,
        filesScanned: 1,
        byRule: { 'github-token': 1 },
      }),
    });
  });

  it('scans the index with --staged and refuses paths with it', async () => {
    git(dir, 'init', '-q');
    write('a.env', `TOKEN=${secret()}\n`);
    git(dir, 'add', 'a.env');
    write('a.env', 'TOKEN=\n');
    const staged = await runBr(['security', 'scan', '--staged', '--json'], { cwd: dir });
    expect(staged.code).toBe(1);
    expect(JSON.parse(staged.stdout).mode).toBe('staged');
    expect((await runBr(['security', 'scan'], { cwd: dir })).code).toBe(0);
    const both = await runBr(['security', 'scan', '--staged', 'a.env'], { cwd: dir });
    expect(both.code).toBe(1);
    expect(both.stdout + both.stderr).toContain('drop the paths');
  });

  it('names a missing path', async () => {
    const result = await runBr(['security', 'scan', 'nope'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('No such file or folder: nope');
  });
});
