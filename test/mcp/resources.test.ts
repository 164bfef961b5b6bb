import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createPersistenceActivities } from '../../activities/persistence';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';
import type { Database } from '../../lib/db/connection';
import { diffUri, gapsUri, patchPages } from '../../mcp/resources';
import type { BuildDiff } from '../../services/build-diff';
import { runBr } from '../helpers/cli';
import { makeShop, recordShopBuild, type ShopFixture } from '../fixtures/shop';
import { makeRepo } from '../fixtures/repo';
import { connectInMemory } from '../fixtures/mcp/support';

// Real git repositories and an embedded database: slow on a loaded machine.
jest.setTimeout(120_000);

/**
 * Large things stay out of tool results: a build's diff, one task's diff and the gap report are
 * resources, with the same content as `br build diff` and `br gaps analyze --build`.
 */
const BUILD = 'build-shop';
let shop: ShopFixture;
let client: Client;
const env = { DATABASE_URL: undefined };
// The shop's embedded database, held open for both front ends (as the dashboard holds one) instead of
// opened once per call: the comparison is of what they print, and each opening costs about a second.
let db: Database;
const services = () => ({ database: db });

beforeAll(async () => {
  shop = makeShop({ planted: true });
  db = await openDatabase({ kind: 'pglite', dataDir: path.join(shop.repo.dir, '.buildrunner/db') });
  await migrate(db);
  await recordShopBuild(db, shop, BUILD);
  client = await connectInMemory(shop.repo.dir, services());
});
afterAll(async () => {
  await client?.close();
  await db?.close();
  shop?.repo.cleanup();
});

const text = async (uri: string) =>
  ((await client.readResource({ uri })).contents[0] as { text: string }).text;
const cliDiff = async (...args: string[]) => {
  const r = await runBr(['build', 'diff', BUILD, ...args, '--json'], {
    cwd: shop.repo.dir,
    env,
    services: services(),
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as BuildDiff;
};

describe('MCP resources for what is large', () => {
  it("serves the build's diff as br build diff prints it, base...build branch", async () => {
    const cli = await cliDiff();
    // The fixture's merges carry no BuildRunner trailer: the range falls back to base...build.
    expect(cli.range).toBe('main...br/build-shop');
    expect(cli.files.map((f) => f.path)).toContain('src/cart.js');
    const served = await text(diffUri(BUILD));
    expect(served).toBe(`# main...br/build-shop, page 1 of 1\n${cli.patch}`);
    expect(cli.patch).toContain('diff --git a/src/cart.js b/src/cart.js');
  });

  it("serves one task's merged change, and nothing of the other tasks", async () => {
    const merged = shop.tasks.find((t) => t.mergeCommit && t.id === 'accounts-1')!;
    const cli = await cliDiff('--task', merged.id);
    expect(cli.range).toBe(`${merged.mergeCommit}^1..${merged.mergeCommit}`);
    expect(cli.files.map((f) => f.path)).toEqual(['src/accounts.js', 'test/accounts.test.js']);
    expect(await text(diffUri(BUILD, 1, merged.id))).toBe(`# ${cli.range}, page 1 of 1\n${cli.patch}`);
  });

  it('says why a task has no diff, and what to look at instead', async () => {
    const unmerged = shop.tasks.find((t) => !t.mergeCommit)!;
    await expect(client.readResource({ uri: diffUri(BUILD, 1, unmerged.id) })).rejects.toThrow(
      `Task ${unmerged.id} of build ${BUILD} has no merge commit`,
    );
    const r = await runBr(['build', 'diff', BUILD, '--task', unmerged.id], {
      cwd: shop.repo.dir,
      env,
      services: services(),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`br build logs ${BUILD} --task ${unmerged.id}`);
  });

  it("serves the build's gap report as br gaps analyze --build prints it", async () => {
    const cli = await runBr(['gaps', 'analyze', '--build', BUILD], {
      cwd: shop.repo.dir,
      env,
      services: services(),
    });
    expect(cli.stdout).toContain('## Findings');
    expect(await text(gapsUri(BUILD))).toBe(cli.stdout);
  });

  it('pages a long patch at line ends, every page within its budget, losing nothing', () => {
    const patch = Array.from({ length: 500 }, (_, i) => `+line ${i} ${'x'.repeat(i % 50)}\n`).join('');
    const pages = patchPages(patch, 2000);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.join('')).toBe(patch);
    expect(pages.every((p) => Buffer.byteLength(p) <= 2000 && p.endsWith('\n'))).toBe(true);
  });

  it('cuts a line longer than a page (a minified file) into pages, never inside a character', () => {
    const long = `+${'é'.repeat(3000)}\n`;
    const patch = `+short\n${long}+after\n`;
    const pages = patchPages(patch, 1000);
    expect(pages.join('')).toBe(patch);
    expect(pages.every((p) => Buffer.byteLength(p) <= 1000)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(7);
    expect(pages.join('')).not.toContain('\uFFFD');
  });
});

describe('br build diff after the build branch was merged into its base', () => {
  it("still shows the build's change, from where the branch left its base", async () => {
    const repo = makeRepo();
    try {
      repo.git('branch', 'br/build-x');
      repo.git('checkout', '-q', 'br/build-x');
      const trailer = '\n\nBuildRunner-Build: build-x\n';
      repo.write('src/one.js', 'one\n');
      repo.commitAll(`Merge task one${trailer}`);
      repo.write('src/two.js', 'two\n');
      repo.commitAll(`Merge task two${trailer}`);
      repo.git('checkout', '-q', 'main');
      repo.git('merge', '-q', '--no-ff', '-m', 'take the build', 'br/build-x');
      repo.write('src/later.js', 'later\n');
      repo.commitAll('work after the build');
      const db = await openDatabase({ kind: 'pglite', dataDir: path.join(repo.dir, '.buildrunner/db') });
      try {
        await migrate(db);
        await createPersistenceActivities({ db }).recordBuild({
          buildId: 'build-x',
          project: 'x',
          specPath: 'PROJECT_SPEC.md',
          specHash: 'x',
          repoPath: repo.dir,
          baseBranch: 'main',
          buildBranch: 'br/build-x',
          status: 'SUCCEEDED',
          budgetUsd: '1',
          costUsd: '0',
          parallel: 1,
          taskCount: 2,
          startedAt: Date.UTC(2026, 10, 27),
        });
      } finally {
        await db.close();
      }
      const r = await runBr(['build', 'diff', 'build-x', '--json'], { cwd: repo.dir, env });
      const diff = JSON.parse(r.stdout) as BuildDiff;
      expect(diff.files.map((f) => f.path)).toEqual(['src/one.js', 'src/two.js']);
      expect(diff.range).toMatch(/^[0-9a-f]{40}\.\.br\/build-x$/);
    } finally {
      repo.cleanup();
    }
  });
});
