import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';
import { MAX_RESPONSE_BYTES } from '../../mcp/respond';
import { preloadServices } from '../../mcp/server';
import { runBr } from '../helpers/cli';
import { seedHistory } from '../fixtures/reports-seed';
import { call, connectInMemory, data, exampleRepo } from '../fixtures/mcp/support';

/** Walks a paged tool from offset 0 to the end, checking each response against the budgets. */
async function allPages(
  client: Client,
  tool: string,
  args: Record<string, unknown>,
  key: string,
  withinMs = 2000,
) {
  const items: unknown[] = [];
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    const t = await call(client, tool, { ...args, offset });
    expect(t.bytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(t.ms).toBeLessThan(withinMs);
    const content = t.result.structuredContent as Record<string, unknown> & {
      page: { nextOffset: number | null };
    };
    items.push(...(content[key] as unknown[]));
    offset = content.page.nextOffset;
    pages++;
  }
  return { items, pages };
}

describe('br mcp serve pages what would not fit in 25k tokens', () => {
  let repo: string;
  let client: Client;
  beforeAll(async () => {
    await preloadServices();
    repo = exampleRepo();
    client = await connectInMemory(repo);
  }, 60_000);
  afterAll(async () => {
    await client.close();
    rmSync(repo, { recursive: true, force: true });
  });

  it('pages a 400-task plan; the pages together are `br plan --json`', async () => {
    const sections = Array.from(
      { length: 400 },
      (_, i) =>
        `## Endpoint ${i + 1}: handle resource ${i + 1}\n\n- [ ] Add \`src/routes/r${i + 1}.ts\` with validation and tests for resource ${i + 1}\n`,
    );
    writeFileSync(path.join(repo, 'BIG_SPEC.md'), `# Big\n\n${sections.join('\n')}`);
    const cli = await runBr(['plan', 'BIG_SPEC.md', '--heuristic-plan', '--json'], { cwd: repo });
    expect(cli.code).toBe(0);
    // Inline, the plan alone would break the budget: paging is needed, not decorative.
    expect(Buffer.byteLength(cli.stdout)).toBeGreaterThan(MAX_RESPONSE_BYTES);
    const whole = JSON.parse(cli.stdout) as { tasks: unknown[] };
    const { items, pages } = await allPages(
      client,
      'br_plan',
      { spec: 'BIG_SPEC.md', planner: 'heuristic' },
      'tasks',
    );
    expect(pages).toBeGreaterThan(1);
    expect(items).toEqual(whole.tasks);
  }, 120_000);

  it('reports costs with the same data as `br costs --json`, paged', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: path.join(repo, '.buildrunner', 'db') });
    await migrate(db);
    await seedHistory(db);
    await db.close();
    for (const by of ['model'] as const) {
      const mcp = await call(client, 'br_costs', { by });
      const cli = await runBr(['costs', '--by', by, '--json'], {
        cwd: repo,
        env: { DATABASE_URL: undefined },
      });
      expect(data(mcp)).toEqual(JSON.parse(cli.stdout));
    }
    const cli = JSON.parse((await runBr(['costs', '--by', 'task', '--json'], { cwd: repo })).stdout) as {
      rows: unknown[];
    };
    expect(cli.rows.length).toBeGreaterThan(2);
    // Each call opens the embedded database, which under jest's module sandbox takes longer than in a
    // real server process; the 2 s budget for br_costs is measured on the spawned server (serve.test.ts).
    const paged = await allPages(client, 'br_costs', { by: 'task', limit: 2 }, 'rows', 10_000);
    expect(paged.items).toEqual(cli.rows);
  }, 120_000);
});
