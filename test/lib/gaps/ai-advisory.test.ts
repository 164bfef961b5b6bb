import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AdvisoryReport, GapReport } from '../../../lib/gaps';
import { makeTestKey } from '../../fixtures/claude';
import { errors, startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { runBr } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeShop, type ShopFixture } from '../../fixtures/shop';

// Real git repositories, the embedded database (cost rows) and the scripted Anthropic server.
jest.setTimeout(240_000);

const ADVICE = {
  findings: [
    {
      requirementId: 'R4.1',
      concern: 'The test "pages by 20" does not check that results are sorted by relevance.',
      suggestion: 'Add a test asserting the relevance order of a page.',
    },
  ],
};

describe('br gaps analyze --ai', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  const shops: ShopFixture[] = [];
  // One scripted server per test: a connection the SDK pooled for an earlier test's server is never reused.
  beforeEach(async () => {
    server = await startFakeAnthropic();
  });
  afterEach(() => server.close());
  // The advisory pass records its cost: one database for the file (ServiceContext.database), instead of
  // a new embedded database created and migrated in every shop. The plain runs never open one.
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await db.close();
    for (const s of shops) s.repo.cleanup();
  });
  const env = () => ({ ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url });
  const ai = (cwd: string, ...args: string[]) =>
    runBr(['gaps', 'analyze', ...args, '--ai'], { cwd, env: env(), services: { database: db } });
  const shop = (planted: boolean) => {
    const s = makeShop({ planted });
    shops.push(s);
    return s;
  };

  // @req R15.12
  it('adds advisory findings beside the report, which stays byte for byte what it was, exit code too', async () => {
    const planted = shop(true);
    const plain = await runBr(['gaps', 'analyze', '--json'], { cwd: planted.repo.dir });
    expect(plain.code).toBe(3);

    server.enqueue(toolUse('report_advisory', ADVICE));
    const withAi = await ai(planted.repo.dir, '--json');
    expect(withAi.code).toBe(plain.code);
    const { advisory, ...report } = JSON.parse(withAi.stdout) as GapReport & { advisory: AdvisoryReport };
    expect(`${JSON.stringify(report, null, 2)}\n`).toBe(plain.stdout);
    expect(advisory).toMatchObject({
      advisory: true,
      note: expect.stringContaining('not part of the gap report, its counts or its exit code') as string,
      model: 'claude-sonnet-5-5',
      findings: ADVICE.findings,
    });
    expect(Number(advisory.costUsd)).toBeGreaterThan(0);

    // The model was shown the matrix and told the deterministic findings; the key never left the headers.
    const request = server.requests.at(-1)!;
    expect(request.body.tools[0].name).toBe('report_advisory');
    expect(JSON.stringify(request.body.messages)).toContain(
      'R4.1 [verified] Results are sorted by relevance',
    );
    expect(JSON.stringify(request.body.messages)).toContain('high requirement-test-failing');
    expect(request.rawBody).not.toContain(key);
    expect(withAi.stdout + withAi.stderr).not.toContain(key);
  });

  it('masks a secret written in the spec before the report is sent to Claude', async () => {
    const s = shop(false);
    const token = ['ghp', 'Zq8rT2mX9vL4kP7wN3bY6cH1jF5dS0aG8eU2'].join('_');
    const spec = readFileSync(path.join(s.repo.dir, 'PROJECT_SPEC.md'), 'utf8');
    expect(spec).toContain('Results are sorted by relevance, 20 per page');
    s.repo.write(
      'PROJECT_SPEC.md',
      spec.replace('20 per page', `20 per page (the deploy uses token ${token})`),
    );
    server.enqueue(toolUse('report_advisory', { findings: [] }));
    const r = await ai(s.repo.dir, '--json');
    expect(r.stderr).not.toContain('advisory pass failed');
    const request = server.requests.at(-1)!;
    expect(JSON.stringify(request.body.messages)).toContain('20 per page (the deploy uses token');
    expect(request.rawBody).not.toContain(token);
  });

  it('keeps exit 0 on the clean copy even when the advisory pass has findings, and marks them apart in markdown', async () => {
    const clean = shop(false);
    const plain = await runBr(['gaps', 'analyze'], { cwd: clean.repo.dir });
    expect(plain.code).toBe(0);
    server.enqueue(toolUse('report_advisory', ADVICE));
    const withAi = await ai(clean.repo.dir);
    expect(withAi.code).toBe(0);
    expect(withAi.stdout.startsWith(plain.stdout)).toBe(true);
    const extra = withAi.stdout.slice(plain.stdout.length);
    expect(extra).toContain('## Advisory findings (AI)');
    expect(extra).toContain('- **advisory** R4.1: The test "pages by 20"');
  });

  it('prints the report unchanged, with its exit code, when the advisory pass fails', async () => {
    const planted = shop(true);
    const plain = await runBr(['gaps', 'analyze', '--json'], { cwd: planted.repo.dir });
    server.enqueue(errors.unauthorized());
    const failed = await ai(planted.repo.dir, '--json');
    expect(failed.code).toBe(plain.code);
    const { advisory, ...report } = JSON.parse(failed.stdout) as GapReport & { advisory: AdvisoryReport };
    expect(`${JSON.stringify(report, null, 2)}\n`).toBe(plain.stdout);
    expect(advisory).toMatchObject({ findings: [], error: { code: 'AUTH' } });
    expect(failed.stderr).toContain('The advisory pass failed (AUTH); the gap report is unchanged.');
    expect(failed.stdout + failed.stderr).not.toContain(key);
  });
});
