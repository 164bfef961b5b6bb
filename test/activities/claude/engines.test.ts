import { MockActivityEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { errors, startFakeAnthropic, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { call, ENGINES, finish, steps, toolResults, type Engine } from '../../fixtures/engines';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';

// Each engine's agent run (Claude Code's own process for one of them) in the bubblewrap sandbox:
// seconds per test alone, over jest's default 30 s at a load average of 20-36 on 2 cores, where
// tests that would have passed failed on the timeout alone.
jest.setTimeout(120_000);

/** The agent activity's shared contract, run once per engine against the same scripted server. */

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

describe.each(ENGINES)('the %s engine', (engine: Engine) => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let tmp: { dir: string; cleanup: () => void };
  let repo: string;
  let outside: string;
  let base: string;

  const activities = (agent: Record<string, unknown> = {}) =>
    createClaudeActivities({
      db,
      config: testConfig(server.url, {
        anthropic: { baseUrl: server.url, timeoutMs: 20_000 },
        agent: {
          engine,
          allowedCommands: ['node --test', 'node check-env.js'],
          commandTimeoutSeconds: 20,
          env: ['HARMLESS'],
          ...agent,
        },
      }),
      apiKey: key,
      env: { ...process.env, ANTHROPIC_API_KEY: key, GITHUB_TOKEN: 'ghp_secret_value', HARMLESS: 'visible' },
    });
  const input = (over: Partial<RunAgentInput> = {}): RunAgentInput => ({
    buildId: `b-${engine}`,
    taskId: 'add-sum',
    attempt: 1,
    model: 'claude-sonnet-5-5',
    worktreePath: repo,
    baseCommit: base,
    task: {
      id: 'add-sum',
      title: 'Add a sum function',
      description: 'Create sum.js exporting sum(a, b) with a test.',
      acceptance: ['node --test passes'],
      dependsOn: [],
      files: ['sum.js', 'sum.test.js'],
    },
    budgetUsd: '1.00',
    ...over,
  });
  const enqueue = (...script: Parameters<typeof steps>[1]) => server.enqueue(...steps(engine, script));

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    tmp = tempDir('br-engines-');
    repo = path.join(tmp.dir, 'repo');
    outside = path.join(tmp.dir, 'outside');
    mkdirSync(repo);
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(repo, 'README.md'), '# Demo\n\nStatus: draft\n');
    writeFileSync(
      path.join(repo, 'check-env.js'),
      "console.log(['ANTHROPIC_API_KEY','GITHUB_TOKEN','HARMLESS'].map(k => k + '=' + (process.env[k] ?? 'unset')).join(' '));\n",
    );
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'base');
    base = git(repo, 'rev-parse', 'HEAD');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    tmp.cleanup();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('completes a small coding task from scripted tool calls, with a cost row and a heartbeat per message', async () => {
    const sum = 'exports.sum = (a, b) => a + b;\n';
    const test =
      "const test = require('node:test');\nconst assert = require('node:assert');\nconst { sum } = require('../sum');\ntest('adds', () => assert.strictEqual(sum(2, 3), 5));\n";
    enqueue(
      call(
        'list_files',
        {},
        { usage: { input_tokens: 2000, output_tokens: 100, cache_creation_input_tokens: 3000 } },
      ),
      call(
        'write_file',
        { path: 'sum.js', content: sum },
        { usage: { input_tokens: 500, output_tokens: 300, cache_read_input_tokens: 3000 } },
      ),
      call(
        'write_file',
        { path: 'test/sum.test.js', content: test },
        { usage: { input_tokens: 100, output_tokens: 50 } },
      ),
      call('edit_file', {
        path: 'README.md',
        old_string: 'Status: draft',
        new_string: 'Status: sum() added',
      }),
      call('run_command', { command: 'node --test test/' }),
      finish('Added sum() with a test.'),
    );
    const env = new MockActivityEnvironment({ attempt: 1 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const result: RunAgentResult = await env.run(activities().runAgent, input());

    expect(result).toMatchObject({ outcome: 'finished', summary: 'Added sum() with a test.', turns: 6 });
    expect(result.servedModel).toBe('claude-sonnet-5-5');
    expect(result.usage).toEqual({
      inputTokens: 2900,
      outputTokens: 600,
      cacheWriteTokens: 3000,
      cacheReadTokens: 3000,
    });
    // sonnet: 2900 × 2 + 600 × 10 + 3000 × 2.50 + 3000 × 0.20 = 19900 micro-dollars
    expect(result.costUsd).toBe('0.0199');
    // A heartbeat before the first answer, per answer and per tool called (what `br build watch` shows).
    const turns = (beats as { turn?: number; model?: string; lastTool?: string }[]).filter(
      (b) => b?.turn !== undefined,
    );
    expect([...new Set(turns.map((b) => b.turn))]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(turns[0]).toMatchObject({ turn: 0, attempt: 1, maxTurns: 40 });
    expect(turns.some((b) => b.lastTool === 'write_file')).toBe(true);
    expect(beats.at(-1)).toMatchObject({ turn: 6, costUsd: '0.0199' });
    expect(toolResults(server.requests[1]!)[0]!.content).toContain('README.md');
    expect(toolResults(server.requests[5]!)[0]!.content).toMatch(/exited with code 0[\s\S]*pass 1/);
    expect(readFileSync(path.join(repo, 'sum.js'), 'utf8')).toBe(sum);
    expect(readFileSync(path.join(repo, 'README.md'), 'utf8')).toContain('Status: sum() added');
    expect(execFileSync('node', ['--test', 'test/'], { cwd: repo, encoding: 'utf8' })).toMatch(/pass 1/);
    const rows = await db.prisma.costEntry.findMany({
      where: { buildId: `b-${engine}`, taskKey: 'add-sum' },
    });
    expect(rows.map((r) => r.idempotencyKey).sort()).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `msg_fake_${n}`).sort(),
    );
    expect(server.requests.every((r) => r.body.model === 'claude-sonnet-5-5')).toBe(true);
  });

  it('resets the worktree to the base commit before a retried attempt', async () => {
    writeFileSync(path.join(repo, 'half-applied.js'), 'broken(');
    enqueue(finish('nothing to do'));
    await activities().runAgent(input({ attempt: 2 }));
    expect(existsSync(path.join(repo, 'half-applied.js'))).toBe(false);
    expect(readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('# Demo\n\nStatus: draft\n');
  });

  it('refuses ../, absolute paths, .git and a symlink out of the worktree, and changes nothing outside', async () => {
    symlinkSync('/etc', path.join(repo, 'etc-link'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'links');
    const linkBase = git(repo, 'rev-parse', 'HEAD');
    enqueue(
      call('write_file', { path: '../outside/secret.txt', content: 'pwned' }),
      call('write_file', { path: path.join(outside, 'new.txt'), content: 'pwned' }),
      call('read_file', { path: 'etc-link/hostname' }),
      call('write_file', { path: '.git/hooks/pre-commit', content: 'exit 0' }),
      finish('tried'),
    );
    await activities().runAgent(input({ baseCommit: linkBase }));
    const results = server.requests.slice(1).map((r) => toolResults(r)[0]!);
    expect(results.map((r) => r.is_error)).toEqual([true, true, true, true]);
    expect(results[0]!.content).toMatch(/outside the repository/);
    expect(results[1]!.content).toMatch(/absolute paths are not allowed/);
    expect(results[2]!.content).toMatch(/symbolic link/);
    expect(results[3]!.content).toMatch(/\.git folder is off limits/);
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('outside\n');
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
  });

  it('runs only allow-listed commands, without secrets in their environment, and never leaks the key', async () => {
    enqueue(
      call('run_command', { command: 'rm -rf .' }),
      call('run_command', { command: 'node check-env.js' }),
      finish('checked'),
    );
    const result = await activities().runAgent(input());
    expect(toolResults(server.requests[1]!)[0]!.content).toMatch(/Command not allowed: "rm -rf \."/);
    expect(toolResults(server.requests[2]!)[0]!.content).toContain(
      'ANTHROPIC_API_KEY=unset GITHUB_TOKEN=unset HARMLESS=visible',
    );
    const rows = await db.prisma.costEntry.findMany();
    const seen = JSON.stringify({
      result,
      rows: rows.map((r) => ({ ...r, id: String(r.id), usd: r.usd.toString() })),
      bodies: server.requests.map((r) => r.rawBody),
    });
    expect(seen).not.toContain(key);
    expect(seen).not.toContain('ghp_secret_value');
    // The key reaches the API only as its auth header.
    expect(
      server.requests.every((r) => String(r.headers['x-api-key'] ?? r.headers.authorization).includes(key)),
    ).toBe(true);
  });

  it('stops when its budget share is spent, and calls the API no more', async () => {
    enqueue(call('list_files', {}, { usage: { input_tokens: 400_000, output_tokens: 10_000 } }));
    const failure = await failureOf(activities().runAgent(input({ budgetUsd: '0.50' })));
    expect(failure.type).toBe(FailureClass.AGENT_INCOMPLETE);
    expect(failure.message).toMatch(/budget share of \$0\.50 is spent \(\$0\.9\)/);
    expect(failure.details[0].costUsd).toBe('0.9');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at the token cap', async () => {
    enqueue(call('list_files', {}, { usage: { input_tokens: 5000, output_tokens: 100 } }));
    const failure = await failureOf(activities().runAgent(input({ maxTokens: 4000 })));
    expect(failure.type).toBe(FailureClass.AGENT_INCOMPLETE);
    expect(failure.message).toMatch(/5100 tokens \(max 4000\)/);
  });

  it('stops at max turns with AGENT_INCOMPLETE and the cost spent in the details', async () => {
    enqueue(call('list_files', {}), call('list_files', {}), call('list_files', {}));
    const failure = await failureOf(activities({ maxTurns: 3 }).runAgent(input()));
    expect(failure.type).toBe(FailureClass.AGENT_INCOMPLETE);
    expect(failure.message).toMatch(/maximum of 3 turns/);
    expect(failure.details[0].costUsd).toBe('0.0021');
    expect(server.pending()).toBe(0);
  });

  it('reports a context error as CONTEXT_TOO_LONG with the cost so far', async () => {
    enqueue(call('list_files', {}));
    server.enqueue(errors.promptTooLong());
    const failure = await failureOf(activities().runAgent(input()));
    expect(failure.type).toBe(FailureClass.CONTEXT_TOO_LONG);
    expect(failure.details[0].costUsd).toBe('0.0007');
  });
});
