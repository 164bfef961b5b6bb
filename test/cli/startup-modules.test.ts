import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';
import { brNodeArgs } from '../fixtures/br-process';

/**
 * What the one-shot reads load (issue 31, CLI start-up): `br costs --json` and `br build status --json`
 * run as processes, as bin/br.js runs them (test/fixtures/br-process.ts), with a preload that lists every package
 * required (require.cache at exit) and a module hook that lists every package imported as ESM. Neither may load a package it does not use: Prisma (costs is one SQL query),
 * the workflow SDK or the worker, eslint, the Anthropic SDK. bench/cli-reads.bench.ts times them.
 */
const NEVER = [
  '@prisma/client',
  '.prisma',
  '@temporalio/workflow',
  '@temporalio/worker',
  'eslint',
  '@anthropic-ai/sdk',
];

let root: string;
let listing: string;
let hooks: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'br-startup-modules-'));
  listing = path.join(root, 'list-modules.js');
  hooks = path.join(root, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(process.env.BR_TEST_MODULES_OUT, resolved.url + '\\n');
      return resolved;
    }`,
  );
  writeFileSync(
    listing,
    `require('node:module').register(${JSON.stringify(pathToFileURL(hooks).href)});
    process.on('exit', () => {
      const files = Object.keys(require.cache).join('\\n');
      require('node:fs').appendFileSync(process.env.BR_TEST_MODULES_OUT, files + '\\n');
    });`,
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function runListed(args: string[], env: Record<string, string>) {
  const out = path.join(root, `modules-${args[0]}.txt`);
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.TEMPORAL_ADDRESS;
  const result = spawnSync(process.execPath, brNodeArgs(args, ['-r', listing]), {
    cwd: root,
    env: { ...base, ...env, BR_TEST_MODULES_OUT: out },
    encoding: 'utf8',
    timeout: 90_000,
  });
  const modules = new Set<string>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line);
    if (m) modules.add(m[1]!);
  }
  return { ...result, modules: [...modules] };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('one-shot CLI reads load only what they use', () => {
  it('br costs --json reads the embedded database without loading Prisma or Temporal', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: path.join(root, '.buildrunner', 'db') });
    await migrate(db);
    for (let i = 0; i < 3; i++) {
      await db.query(
        `INSERT INTO "CostEntry" ("idempotencyKey", purpose, "requestedModel", model, "priceTableVersion",
           "inputTokens", "outputTokens", usd) VALUES ($1, 'agent', 'm', 'm', 'v1', 10, 5, 0.25)`,
        [`k${i}`],
      );
    }
    await db.close();
    const r = runListed(['costs', '--json'], {});
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ total: { calls: 3, costUsd: '0.75' } });
    expect(r.modules).toContain('@electric-sql/pglite');
    expect(r.modules.filter((m) => NEVER.includes(m) || m.startsWith('@temporalio/'))).toEqual([]);
  }, 120_000);

  it('br build status --json of a build the database holds no end of loads the Temporal client, but not the workflow SDK, the worker or Prisma', async () => {
    // Nothing listens on the port: the command gets as far as connecting, which is its whole start-up. It
    // reads the database first (this folder's, made above): a recorded end would answer without Temporal.
    const r = runListed(['build', 'status', 'build-x', '--json'], {
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'REMOTE_UNREACHABLE' });
    expect(r.modules).toContain('@temporalio/client');
    expect(r.modules.filter((m) => NEVER.includes(m))).toEqual([]);
  }, 120_000);
});
