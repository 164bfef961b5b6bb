import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Projects {
  ROOT: string;
  SANDBOX: string[];
  classify(files?: string[]): { unit: string[]; server: string[] };
  serverReasons(file: string): string[];
  testFiles(): string[];
}
interface JestProject {
  displayName: string;
  testMatch?: string[];
  testPathIgnorePatterns?: string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module jest.config.js loads
const projects = require('../setup/projects') as Projects;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../jest.config') as { projects: JestProject[] };
const rel = (file: string) => path.relative(projects.ROOT, file);

describe('which jest project a test file runs in (test/setup/projects.js)', () => {
  const scratch = path.join(__dirname, '../.output/projects-check');
  const plant = (name: string, text: string) => {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  beforeEach(() => mkdirSync(scratch, { recursive: true }));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('sends a file to the server project when it imports the Temporal helpers, even through a fixture', () => {
    plant(
      'fixture.ts',
      "import { serverBundle } from '../../helpers/temporal';\nexport const b = serverBundle;\n",
    );
    const direct = plant('direct.test.ts', "import { describeServer } from '../../helpers/temporal';\n");
    const indirect = plant('indirect.test.ts', "import { b } from './fixture';\n");
    expect(projects.serverReasons(direct)).toContain('the Temporal server helpers');
    expect(projects.serverReasons(indirect)).toContain('the Temporal server helpers');
  });

  it('sends workers, Chromium and a network namespace of its own to the server project', () => {
    const file = plant(
      'many.test.ts',
      [
        "import { Worker } from '@temporalio/worker';",
        "import { startWorkers } from '../../../worker/run';",
        "import { chromium } from 'playwright-core';",
        "import { startNetwork } from '../../helpers/netns';",
      ].join('\n'),
    );
    expect(projects.serverReasons(file).sort()).toEqual([
      'Chromium',
      'a network namespace of its own',
      'in-process workers',
      'workflow bundles and workers',
    ]);
  });

  it('keeps a file in the unit project when a server module appears only inside a string', () => {
    const file = plant(
      'strings.test.ts',
      "import { MockActivityEnvironment } from '@temporalio/testing';\n" +
        'const planted = "export { runWorker } from \'../worker/run\';";\n',
    );
    expect(projects.serverReasons(file)).toEqual([]);
  });

  it('splits every test file into exactly one of the two projects jest runs', () => {
    const { unit, server } = projects.classify();
    expect(unit.length + server.length).toBe(projects.testFiles().length);
    const byName = Object.fromEntries(config.projects.map((p) => [p.displayName, p]));
    expect(byName.server!.testMatch).toEqual(server);
    const ignored = (file: string) =>
      byName.unit!.testPathIgnorePatterns!.some((pattern) => new RegExp(pattern).test(file));
    expect(server.filter((file) => !ignored(file))).toEqual([]);
    expect(unit.filter(ignored)).toEqual([]);
    expect(server.map(rel)).toEqual(expect.arrayContaining(['test/workflows/server.test.ts']));
    expect(unit.map(rel)).toEqual(
      expect.arrayContaining(['test/lib/planner/corpus.test.ts', rel(__filename)]),
    );
  });

  it('names only sandbox files that exist', () => {
    expect(projects.SANDBOX.filter((file) => !existsSync(path.join(projects.ROOT, file)))).toEqual([]);
  });
});

describe('the unit project’s guard (test/setup/unit-guard.ts)', () => {
  it('fails a server test the import rule cannot see (a computed module path) instead of running it', () => {
    const helpers = path.join(__dirname, '../helpers/temporal');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { describeServer } = require(helpers) as typeof import('../helpers/temporal');
    expect(() => describeServer('planted', () => undefined)).toThrow(/belongs to the server project/);
  });

  it('has no bubblewrap: bwrap on its PATH refuses, saying where the file belongs', () => {
    // As activities/sandbox/detect.ts looks it up: on the PATH of the environment it passes.
    const run = spawnSync('bwrap', ['--version'], { encoding: 'utf8', env: process.env });
    expect(run.status).toBe(97);
    expect(run.stderr).toContain('belongs to the server project');
  });
});
