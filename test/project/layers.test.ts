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

/**
 * Each planted import breaks one rule. They are planted together in one copy of the sources and linted
 * once (a lint of the whole tree takes seconds), and each test looks for its own violation in the report.
 */
const PLANTS: { name: string; file: string; line: string; expected: RegExp[]; alone?: true }[] = [
  {
    name: 'lib/ imports upward into services/',
    file: 'lib/models.ts',
    line: "export { createContext } from '../services/context';",
    expected: [/lib-imports-down-only: lib\/models\.ts → services\/context\.ts/],
  },
  {
    name: 'the CLI reaches past the services into the worker',
    file: 'cli/main.ts',
    line: "export { runWorker } from '../worker/run';",
    expected: [/cli-imports-down-only: cli\/main\.ts → worker\/run\.ts/],
  },
  {
    name: 'the MCP server reaches past the services into workflow code',
    file: 'mcp/server.ts',
    line: "export { progressQuery } from '../workflows/messages';",
    expected: [/mcp-imports-down-only: mcp\/server\.ts → workflows\/messages\.ts/],
  },
  {
    name: 'the dashboard reaches past the services into the worker',
    file: 'dashboard/open.ts',
    line: "export { runWorker } from '../worker/run';",
    expected: [/dashboard-imports-down-only: dashboard\/open\.ts → worker\/run\.ts/],
  },
  {
    name: 'a service imports the MCP front end',
    file: 'services/plan.ts',
    line: "export { INSTRUCTIONS } from '../mcp/server';",
    expected: [/services-imports-down-only: services\/plan\.ts → mcp\/server\.ts/],
  },
  {
    name: 'an import cycle inside one layer',
    file: 'services/context.ts',
    line: "export { buildBackend } from './build-backend';",
    expected: [/no-circular: services\/(context|build-backend)\.ts/],
    // The upward imports above close cycles of their own: this one is linted in a copy of its own.
    alone: true,
  },
  {
    name: 'workflow code imports a Node built-in',
    file: 'workflows/core/budget.ts',
    line: "export { readFileSync } from 'node:fs';",
    expected: [/workflow-code-has-no-io: workflows\/core\/budget\.ts → (node:)?fs/],
  },
  {
    name: 'a lib/ module reads files, starts processes or opens sockets',
    file: 'lib/usd.ts',
    line: "export { readFileSync } from 'node:fs';\nexport { spawn } from 'node:child_process';\nexport { createServer } from 'node:net';",
    expected: ['fs', 'child_process', 'net'].map(
      (module) => new RegExp(`lib-has-no-io: lib/usd\\.ts → (node:)?${module}\\b`),
    ),
  },
];

describe('the layer lint (npm run lint:layers)', () => {
  const lintWith = (plants: typeof PLANTS) => {
    const dir = copyOfSources();
    try {
      for (const plant of plants) appendFileSync(path.join(dir, plant.file), `\n${plant.line}\n`);
      return lintLayers(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  let planted: { status: number | null; output: string };
  let cycle: { status: number | null; output: string };
  beforeAll(() => {
    planted = lintWith(PLANTS.filter((plant) => !plant.alone));
    cycle = lintWith(PLANTS.filter((plant) => plant.alone));
  }, 180_000);

  it('passes on the sources as they are: with one cycle planted, that cycle is all it reports', () => {
    // The cycle's copy is the sources plus one import (services/context.ts → build-backend.ts), so each
    // violation in it must be a cycle through that import: anything else would be in the sources. This
    // spares a third whole-tree lint (seconds of CPU); npm run lint:layers lints the sources themselves.
    const violations = cycle.output.split(/^\s*(?=(?:error|warn|info) [\w-]+:)/m).slice(1);
    expect(violations.length).toBeGreaterThan(0);
    for (const violation of violations) {
      expect(violation).toMatch(/^error no-circular: /);
      expect(violation.replace(/\s+/g, ' ')).toContain('services/context.ts → services/build-backend.ts');
    }
    const n = violations.length;
    expect(cycle.output).toContain(`${n} dependency violations (${n} errors, 0 warnings)`);
  });

  it('fails on the planted imports, and no layer rule fires on a file nothing was planted in', () => {
    expect(planted.status).not.toBe(0);
    // Planted together, the upward imports also close cycles across layers: no-circular is left out.
    const layerViolations = [...planted.output.matchAll(/^\s*error ([\w-]+): (\S+) →/gm)].filter(
      ([, rule]) => rule !== 'no-circular',
    );
    expect(layerViolations.length).toBeGreaterThanOrEqual(PLANTS.length - 1);
    const plantedFiles = new Set(PLANTS.filter((plant) => !plant.alone).map((plant) => plant.file));
    for (const [, , from] of layerViolations) expect(plantedFiles).toContain(from);
  });

  it.each(PLANTS.map((plant) => [plant.name, plant] as const))('fails when %s', (_name, plant) => {
    const { status, output } = plant.alone ? cycle : planted;
    expect(status).not.toBe(0);
    for (const pattern of plant.expected) expect(output).toMatch(pattern);
  });
});

describe('lib/ has no I/O exemptions', () => {
  it('the lib-has-no-io rule applies to every lib/ file', () => {
    const config = readFileSync(path.join(root, '.dependency-cruiser.cjs'), 'utf8');
    expect(config).not.toContain('LIB_IO_STILL_TO_MOVE');
    expect(config).toMatch(/name: 'lib-has-no-io',[^}]*from: \{ path: '\^lib\/' \}/);
  });
});
