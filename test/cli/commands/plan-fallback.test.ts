import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors, startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { runBr } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeTestKey, tempDir } from '../../fixtures/claude';

/**
 * `br plan` against the scripted Anthropic server: the CLI's Claude calls follow the build's fallback
 * policy (workflows/core/fallback.ts) with the real SDK, and say on stderr what they wait for.
 */
const SPEC = '# Shop\n\n## Cart\n- [ ] Add items\n\n## Checkout\nDepends on: Cart\n- [ ] Pay\n';
const plan = {
  tasks: [
    {
      id: 'cart',
      title: 'Cart',
      description: 'Cart.',
      acceptance: ['adds'],
      dependsOn: [],
      files: ['src/cart.ts'],
    },
    {
      id: 'pay',
      title: 'Pay',
      description: 'Pay.',
      acceptance: ['pays'],
      dependsOn: ['cart'],
      files: ['src/pay.ts'],
    },
  ],
};
const cyclic = {
  tasks: [
    { id: 'a', title: 'A', description: 'A.', acceptance: ['a'], dependsOn: ['b'], files: [] },
    { id: 'b', title: 'B', description: 'B.', acceptance: ['b'], dependsOn: ['a'], files: [] },
  ],
};

// Real waits (retry-after 2 s, 5 s backoff) on a loaded machine, plus the first database migration.
jest.setTimeout(120_000);

describe('br plan with Claude under the fallback policy', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let tmp: { dir: string; cleanup: () => void };

  // Planning records its cost rows: one database for the file (ServiceContext.database), instead of the
  // folder's embedded database opened again by every `br plan`.
  let db: TestDatabase;

  beforeAll(async () => {
    server = await startFakeAnthropic();
    tmp = tempDir('br-plan-fallback-');
    writeFileSync(path.join(tmp.dir, 'SPEC.md'), SPEC);
    writeFileSync(path.join(tmp.dir, 'buildrunner.config.json'), JSON.stringify({ project: 'shop' }));
    db = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    tmp.cleanup();
  });
  afterEach(() => expect(server.pending()).toBe(0));

  const br = async (...args: string[]) => {
    const before = server.requests.length;
    const started = Date.now();
    const result = await runBr(['plan', 'SPEC.md', ...args], {
      cwd: tmp.dir,
      env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url, DATABASE_URL: undefined },
      services: { database: db },
    });
    const requests = server.requests.slice(before);
    return {
      ...result,
      requests,
      models: requests.map((r) => r.body.model as string),
      ms: Date.now() - started,
    };
  };

  it('waits out a 429 retry-after, says so, and succeeds on the second request to the same model', async () => {
    server.enqueue(errors.rateLimited(2), toolUse('submit_plan', plan));
    const r = await br('--json');
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(2);
    expect(r.models[1]).toBe(r.models[0]);
    expect(r.stderr).toMatch(
      /rate limited, retry after 2s.* waiting 2s, then retrying claude-\S+ \(attempt 2\)/,
    );
    expect(r.ms).toBeGreaterThanOrEqual(1900);
    expect(JSON.parse(r.stdout)).toMatchObject({ planner: 'claude', tasks: [{ id: 'cart' }, { id: 'pay' }] });
  });

  it('moves to the next model after a 529', async () => {
    server.enqueue(errors.overloaded(), toolUse('submit_plan', plan));
    const r = await br('--json');
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(2);
    expect(r.models[1]).not.toBe(r.models[0]);
    expect(r.stderr).toContain(`switching to ${r.models[1]}`);
  });

  it('retries a 500 on the same model after a backoff', async () => {
    server.enqueue(errors.serverError(), toolUse('submit_plan', plan));
    const r = await br('--json');
    expect(r.code).toBe(0);
    expect(r.models).toEqual([r.models[0], r.models[0]]);
    expect(r.stderr).toMatch(/server error 500.* waiting 5s, then retrying/);
  });

  it('stops at once on a 401, with a JSON error on stderr under --json', async () => {
    server.enqueue(errors.unauthorized());
    const r = await br('--json');
    expect(r.code).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect(r.stdout).toBe('');
    const error = JSON.parse(r.stderr) as { code: string; message: string; hint: string };
    expect(error.code).toBe('AUTH');
    expect(error.message).toMatch(/^Planning with Claude failed \(AUTH/);
    expect(error.hint).toMatch(/ANTHROPIC_API_KEY/);
    expect(r.stderr).not.toContain(key);
  });

  it('gives up without waiting when retry-after would pass the planning time limit', async () => {
    server.enqueue(errors.rateLimited(3600));
    const r = await br();
    expect(r.code).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect(r.ms).toBeLessThan(60_000);
    expect(r.stderr).toMatch(/gave up: waiting 3600s more would pass the 600s planning limit/);
  });

  it('reports the problems of every round of an invalid plan and what the failed planning cost', async () => {
    server.enqueue(
      toolUse('submit_plan', cyclic, { usage: { input_tokens: 2000, output_tokens: 500 } }),
      toolUse('submit_plan', { tasks: [] }, { usage: { input_tokens: 2500, output_tokens: 100 } }),
    );
    const r = await br();
    expect(r.code).toBe(1);
    expect(r.requests).toHaveLength(2);
    expect(r.stderr).toMatch(/round 1:\n\s+- Dependency cycle: a -> b -> a\./);
    expect(r.stderr).toMatch(/round 2 \(repair\):\n\s+- tasks: /);
    expect(r.stderr).toMatch(/The failed planning cost \$0\.\d+ over 1 attempt\(s\)\./);
    expect(r.stderr).toMatch(/hint: Claude could not produce a valid plan/);
  });
});
