import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import { FailureClass } from '../../../lib/failures';
import { errors, startFakeAnthropic, type FakeAnthropic, type Step } from '../../fixtures/anthropic-server';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';

describe('Anthropic errors become failure classes', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let repo: { dir: string; cleanup: () => void };
  const captured: string[] = [];

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    repo = tempDir();
    writeFileSync(path.join(repo.dir, 'SPEC.md'), '# Todo app\n\n## Tasks\n- [ ] Add a todo list\n');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    repo.cleanup();
  });

  const plan = async (apiKey: string | undefined) => {
    const activities = createClaudeActivities({
      db,
      config: testConfig(server.url),
      apiKey,
      repoRoot: repo.dir,
    });
    return activities.planBuild({
      buildId: 'b1',
      project: 'todo',
      repoPath: '.',
      specPath: 'SPEC.md',
      planner: 'claude',
    });
  };

  const cases: [string, Step, FailureClass, boolean, number | undefined][] = [
    ['429 with retry-after', errors.rateLimited(17), FailureClass.RATE_LIMITED, false, 17],
    [
      '429 without retry-after',
      errors.rateLimitedNoRetryAfter(),
      FailureClass.QUOTA_EXHAUSTED,
      false,
      undefined,
    ],
    ['400 spend limit', errors.spendLimit(), FailureClass.QUOTA_EXHAUSTED, false, undefined],
    [
      '400 billing_error',
      { kind: 'error', status: 400, type: 'billing_error', message: 'Your credit balance is too low.' },
      FailureClass.QUOTA_EXHAUSTED,
      false,
      undefined,
    ],
    ['529 overloaded', errors.overloaded(), FailureClass.OVERLOADED, false, undefined],
    ['500 server error', errors.serverError(), FailureClass.SERVER_ERROR, false, undefined],
    ['400 prompt is too long', errors.promptTooLong(), FailureClass.CONTEXT_TOO_LONG, false, undefined],
    ['400 invalid request', errors.invalidRequest(), FailureClass.INVALID_REQUEST, true, undefined],
    ['401 authentication', errors.unauthorized(), FailureClass.AUTH, true, undefined],
    ['403 permission', errors.forbidden(), FailureClass.AUTH, true, undefined],
    ['a response slower than the client timeout', errors.slow(1500), FailureClass.TIMEOUT, false, undefined],
  ];

  it.each(cases)('maps %s to its failure class', async (_name, step, type, nonRetryable, retryAfter) => {
    server.enqueue(step);
    const failure = await failureOf(plan(key));
    captured.push(failure.message, JSON.stringify(failure.details));
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(nonRetryable);
    expect(failure.details[0].retryAfterSeconds).toBe(retryAfter);
    expect(failure.details[0].costUsd).toBe('0');
    expect(server.pending()).toBe(0);
  });

  it('maps a refused connection to NETWORK', async () => {
    const closed = await startFakeAnthropic();
    const url = closed.url;
    await closed.close();
    const activities = createClaudeActivities({
      db,
      config: testConfig(url),
      apiKey: key,
      repoRoot: repo.dir,
    });
    const failure = await failureOf(
      activities.planBuild({
        buildId: 'b1',
        project: 'todo',
        repoPath: '.',
        specPath: 'SPEC.md',
        planner: 'claude',
      }),
    );
    expect(failure.type).toBe(FailureClass.NETWORK);
    expect(failure.nonRetryable).toBe(false);
  });

  it('makes exactly one HTTP request per call: the SDK does not retry behind the workflow', async () => {
    const before = server.requests.length;
    server.enqueue(errors.overloaded(), errors.overloaded());
    await failureOf(plan(key));
    expect(server.requests.length - before).toBe(1);
    expect(server.pending()).toBe(1);
    await failureOf(plan(key));
    expect(server.pending()).toBe(0);
  });

  it('fails with a non-retryable AUTH failure saying how to set the key when there is none', async () => {
    const before = server.requests.length;
    const failure = await failureOf(plan(undefined));
    expect(failure.type).toBe(FailureClass.AUTH);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(server.requests.length).toBe(before);
  });

  // SDK 1.12 sends the key as `Authorization: Bearer …` (older SDKs used x-api-key).
  it('sends the key only in the authorization header and never shows it in errors', () => {
    expect(server.requests.length).toBeGreaterThan(cases.length);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${key}`);
      const otherHeaders = Object.entries(request.headers).filter(([name]) => name !== 'authorization');
      expect(JSON.stringify(otherHeaders)).not.toContain(key);
      expect(request.rawBody).not.toContain(key);
      expect(request.path).not.toContain(key);
    }
    expect(captured.join('\n')).not.toContain(key);
    expect(captured.join('\n')).not.toContain(key.slice(10));
  });
});
