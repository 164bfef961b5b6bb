import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCli } from '../../cli/main';
import { closestCommands } from '../../cli/suggest';
import { runBr } from '../helpers/cli';

describe('the br command line', () => {
  it('lists every registered command in --help, each with a description', async () => {
    const { code, stdout } = await runBr(['--help']);
    expect(code).toBe(0);
    const definitions = (await createCli()).definitions();
    const commands = definitions.filter(
      (d) => !['br -h', 'br -v'].some((b) => d.path.startsWith(b)) && d.path !== 'br',
    );
    expect(commands.length).toBeGreaterThan(2);
    for (const command of commands) {
      expect(stdout).toContain(command.path);
      expect(command.description).toBeTruthy();
    }
  });

  it('gives every command a category and at least one example', async () => {
    for (const d of (await createCli()).definitions()) {
      if (d.path === 'br' || d.path.startsWith('br -')) continue;
      expect({ path: d.path, category: d.category }).toEqual({ path: d.path, category: expect.any(String) });
      expect({ path: d.path, examples: d.examples?.length ?? 0 }).toEqual({
        path: d.path,
        examples: expect.any(Number),
      });
      expect(d.examples!.length).toBeGreaterThan(0);
    }
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    const { code, stdout } = await runBr(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('suggests the closest command for a typo and exits 2 (usage)', async () => {
    const { code, stderr } = await runBr(['db', 'statsu']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command: br db statsu');
    expect(stderr).toContain('br db status');
  });

  it('ranks suggestions by edit distance over whole command paths', () => {
    const paths = [['build', 'start'], ['build', 'status'], ['db', 'migrate'], ['doctor']];
    expect(closestCommands(['biuld', 'strat'], paths)[0]).toBe('build start');
    expect(closestCommands(['doctr'], paths)).toEqual(['doctor']);
    expect(closestCommands(['zzzzzzzz'], paths)).toEqual([]);
  });

  it('prints user mistakes without a stack trace', async () => {
    const { code, stderr, stdout } = await runBr(['db', 'status', '--config', 'does-not-exist.json']);
    expect(code).toBe(1);
    expect(stdout + stderr).toMatch(/Config file not found/);
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  });
});
