import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '../..');
const LAYERS = ['cli', 'mcp', 'dashboard', 'services', 'worker', 'workflows', 'activities', 'lib'];
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function copyOfSources(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'br-layers-'));
  for (const folder of LAYERS) cpSync(path.join(root, folder), path.join(dir, folder), { recursive: true });
  for (const file of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json'])
    cpSync(path.join(root, file), path.join(dir, file));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function lintLayers(dir: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [depcruise, ...LAYERS, '--config', '.dependency-cruiser.cjs', '--no-progress'],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the layer lint (npm run lint:layers)', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyOfSources();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on the sources as they are', () => {
    const { status, output } = lintLayers(dir);
    expect(output).toContain('no dependency violations');
    expect(status).toBe(0);
  });

  it('fails when lib/ imports upward into services/', () => {
    appendFileSync(
      path.join(dir, 'lib/models.ts'),
      "\nexport { createContext } from '../services/context';\n",
    );
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/lib-imports-down-only: lib\/models\.ts → services\/context\.ts/);
  });

  it('fails when the CLI reaches past the services into the worker', () => {
    appendFileSync(path.join(dir, 'cli/main.ts'), "\nexport { runWorker } from '../worker/run';\n");
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/cli-imports-down-only: cli\/main\.ts → worker\/run\.ts/);
  });

  it('fails when the MCP server reaches past the services into workflow code', () => {
    appendFileSync(
      path.join(dir, 'mcp/server.ts'),
      "\nexport { progressQuery } from '../workflows/messages';\n",
    );
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/mcp-imports-down-only: mcp\/server\.ts → workflows\/messages\.ts/);
  });

  it('fails when the dashboard reaches past the services into the worker', () => {
    appendFileSync(path.join(dir, 'dashboard/open.ts'), "\nexport { runWorker } from '../worker/run';\n");
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/dashboard-imports-down-only: dashboard\/open\.ts → worker\/run\.ts/);
  });

  it('fails when a service imports the MCP front end', () => {
    appendFileSync(path.join(dir, 'services/plan.ts'), "\nexport { INSTRUCTIONS } from '../mcp/server';\n");
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/services-imports-down-only: services\/plan\.ts → mcp\/server\.ts/);
  });

  it('fails on an import cycle inside one layer', () => {
    appendFileSync(
      path.join(dir, 'services/context.ts'),
      "\nexport { buildBackend } from './build-backend';\n",
    );
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/no-circular: services\/(context|build-backend)\.ts/);
  });

  it('fails when workflow code imports a Node built-in', () => {
    appendFileSync(path.join(dir, 'workflows/core/budget.ts'), "\nexport { readFileSync } from 'node:fs';\n");
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/workflow-code-has-no-io: workflows\/core\/budget\.ts → (node:)?fs/);
  });

  it('fails when a lib/ module reads files, starts processes or opens sockets', () => {
    appendFileSync(
      path.join(dir, 'lib/models.ts'),
      "\nexport { readFileSync } from 'node:fs';\nexport { spawn } from 'node:child_process';\nexport { createServer } from 'node:net';\n",
    );
    const { status, output } = lintLayers(dir);
    expect(status).not.toBe(0);
    for (const module of ['fs', 'child_process', 'net'])
      expect(output).toMatch(new RegExp(`lib-has-no-io: lib/models\\.ts → (node:)?${module}\\b`));
  });
});

describe('lib/ has no I/O exemptions', () => {
  it('the lib-has-no-io rule applies to every lib/ file', () => {
    const config = readFileSync(path.join(root, '.dependency-cruiser.cjs'), 'utf8');
    expect(config).not.toContain('LIB_IO_STILL_TO_MOVE');
    expect(config).toMatch(/name: 'lib-has-no-io',[^}]*from: \{ path: '\^lib\/' \}/);
  });
});
