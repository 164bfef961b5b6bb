import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brNodeArgs } from '../fixtures/br-process';
import { runBr } from '../helpers/cli';

/**
 * The Unix conventions every `br` command keeps: data on stdout, diagnostics on stderr; with --json a
 * failure is one JSON object {code, message, hint} on stderr and a non-zero exit; a reader that
 * closes early ends the command quietly.
 */
jest.setTimeout(180_000);

describe('errors with --json, one command of each family', () => {
  let dir: string;
  let broken: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-conventions-'));
    broken = mkdtempSync(path.join(os.tmpdir(), 'br-conventions-broken-'));
    writeFileSync(path.join(broken, 'buildrunner.config.json'), JSON.stringify({ parallel: 'many' }));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(broken, { recursive: true, force: true });
  });

  it.each([
    ['plan', ['plan', 'NOPE.md', '--json'], 'ok'],
    ['build', ['build', 'simulate', 'NOPE.md', '--json'], 'ok'],
    ['build (bad option value)', ['build', 'simulate', 'SPEC.md', '--runs', 'lots', '--json'], 'ok'],
    ['costs', ['costs', '--json'], 'broken'],
    ['metrics', ['metrics', '--json'], 'broken'],
    ['telemetry', ['telemetry', 'summary', '--json'], 'broken'],
    ['config', ['config', 'show', '--json'], 'broken'],
    ['feature', ['feature', 'complete', 'no-such-feature', '--json'], 'ok'],
    ['hooks', ['hooks', 'status', '--json'], 'broken'],
    ['security', ['security', 'scan', 'no/such/path', '--json'], 'ok'],
    ['schedules', ['schedules', 'list', '--json'], 'broken'],
    ['db', ['db', 'status', '--json'], 'broken'],
    ['maintenance', ['maintenance', 'aggregate', '--json'], 'broken'],
    ['unknown command', ['biuld', 'strat', '--json'], 'ok'],
  ])('%s', async (_family, argv, where) => {
    const r = await runBr(argv, { cwd: where === 'broken' ? broken : dir, env: { DATABASE_URL: undefined } });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const error = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(error).sort()).toEqual(['code', 'hint', 'message']);
    expect(error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(typeof error.message).toBe('string');
  });

  it('exits 2 for a usage error and 1 for a failure', async () => {
    expect((await runBr(['plan', '--no-such-option'], { cwd: dir })).code).toBe(2);
    expect((await runBr(['plan', 'NOPE.md'], { cwd: dir })).code).toBe(1);
  });

  it('lists the commands of a group name', async () => {
    for (const group of ['build', 'schedules', 'telemetry']) {
      const r = await runBr([group], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Commands of br ${group}:`));
      expect(r.stdout).toMatch(new RegExp(`^ {2}br ${group} \\w+ {2,}\\S`, 'm'));
      expect(r.stderr).toBe('');
    }
  });
});

/** Runs br as a process with stdout a pipe whose reader is already gone. */
function runWithClosedReader(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, brNodeArgs(args), {
    cwd,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('a reader that closes early', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-epipe-'));
    writeFileSync(path.join(dir, 'SPEC.md'), '# S\n\n## A\n- [ ] one\n\n## B\nDepends on: A\n- [ ] two\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['config', 'show']],
    [['plan', 'SPEC.md', '--heuristic-plan']],
    [['build', 'simulate', 'SPEC.md', '--runs', '2']],
    [['costs']],
    [['feature', 'list']],
    [['--help']],
  ])('ends br %s quietly', async (args) => {
    const r = await runWithClosedReader(args, dir);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.code).toBe(0);
  });
});
