import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBr } from '../helpers/cli';

const golden = path.join(__dirname, '../fixtures/mcp/install');
const read = (file: string) => readFileSync(file, 'utf8');

function folders() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'br-mcp-install-'));
  const repo = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(repo);
  mkdirSync(home);
  return { repo, home };
}

const install = (repo: string, home: string, ...argv: string[]) =>
  runBr(['mcp', 'install', ...argv, '--json'], { cwd: repo, env: { HOME: home } });

describe('br mcp install (golden files)', () => {
  it.each([
    ['claude-code', '.mcp.json'],
    ['cursor', '.cursor/mcp.json'],
  ])(
    'creates the %s project file when there is none, and a second run changes nothing',
    async (client, file) => {
      const { repo, home } = folders();
      const first = await install(repo, home, '--client', client);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({
        client,
        scope: 'project',
        file,
        server: 'buildrunner',
        action: 'created',
      });
      expect(read(path.join(repo, file))).toBe(read(path.join(golden, `absent/${client}.after.json`)));
      const second = await install(repo, home, '--client', client);
      expect(JSON.parse(second.stdout)).toMatchObject({ action: 'unchanged' });
      expect(read(path.join(repo, file))).toBe(read(path.join(golden, `absent/${client}.after.json`)));
    },
  );

  it("adds itself beside the user's other servers, keeping their settings and the file's indentation", async () => {
    const { repo, home } = folders();
    mkdirSync(path.join(repo, '.cursor'));
    cpSync(path.join(golden, 'other-servers/before.json'), path.join(repo, '.cursor/mcp.json'));
    const result = await install(repo, home, '--client', 'cursor', '--scope', 'project');
    expect(JSON.parse(result.stdout)).toMatchObject({ action: 'added' });
    expect(read(path.join(repo, '.cursor/mcp.json'))).toBe(
      read(path.join(golden, 'other-servers/cursor.after.json')),
    );
  });

  it('writes the user scope into ~/.claude.json without touching its other settings', async () => {
    const { repo, home } = folders();
    cpSync(path.join(golden, 'user-scope/before.json'), path.join(home, '.claude.json'));
    const result = await install(repo, home, '--client', 'claude-code', '--scope', 'user');
    expect(JSON.parse(result.stdout)).toMatchObject({
      scope: 'user',
      action: 'added',
      file: path.join(home, '.claude.json'),
    });
    expect(read(path.join(home, '.claude.json'))).toBe(
      read(path.join(golden, 'user-scope/claude-code.after.json')),
    );
    expect(existsSync(path.join(repo, '.mcp.json'))).toBe(false);
  });

  it('updates an outdated buildrunner entry in place and leaves the other server alone', async () => {
    const { repo, home } = folders();
    cpSync(path.join(golden, 'outdated/before.json'), path.join(repo, '.mcp.json'));
    const result = await install(repo, home, '--client', 'claude-code');
    expect(JSON.parse(result.stdout)).toMatchObject({ action: 'updated' });
    expect(read(path.join(repo, '.mcp.json'))).toBe(
      read(path.join(golden, 'outdated/claude-code.after.json')),
    );
  });

  it.each([
    ['not valid JSON', read(path.join(golden, 'malformed/before.json')), /not valid JSON/],
    [
      'mcpServers is not an object',
      '{ "mcpServers": [] }\n',
      /does not hold a JSON object with an "mcpServers" object/,
    ],
  ])('refuses a file that is %s and leaves it byte for byte', async (_case, text, message) => {
    const { repo, home } = folders();
    mkdirSync(path.join(home, '.cursor'));
    const file = path.join(home, '.cursor/mcp.json');
    writeFileSync(file, text);
    const result = await install(repo, home, '--client', 'cursor', '--scope', 'user');
    expect(result.code).toBe(1);
    // A UserError's message (no stack) goes to stderr, as for every br command (one JSON object with --json).
    const said = result.stderr.startsWith('{')
      ? (JSON.parse(result.stderr) as { message: string }).message
      : result.stderr;
    expect(said).toMatch(message);
    expect(said).toContain('run br mcp install again');
    expect(read(file)).toBe(text);
  });
});
