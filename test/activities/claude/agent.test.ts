import { MockActivityEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import {
  startFakeAnthropic,
  toolCalls,
  toolUse,
  reply,
  type FakeAnthropic,
} from '../../fixtures/anthropic-server';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../fixtures/claude';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

describe('the agent loop in a worktree', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let tmp: { dir: string; cleanup: () => void };
  let repo: string;
  let outside: string;
  let base: string;

  const config = (agent: Record<string, unknown> = {}) =>
    testConfig(server.url, {
      agent: {
        allowedCommands: ['node --test', 'node check-env.js'],
        commandTimeoutSeconds: 20,
        env: ['HARMLESS'],
        ...agent,
      },
    });
  const activities = (agent?: Record<string, unknown>) =>
    createClaudeActivities({
      db,
      config: config(agent),
      apiKey: key,
      env: { ...process.env, ANTHROPIC_API_KEY: key, GITHUB_TOKEN: 'ghp_secret_value', HARMLESS: 'visible' },
    });
  const input = (over: Partial<RunAgentInput> = {}): RunAgentInput => ({
    buildId: 'b-agent',
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
  const toolResults = (requestIndex: number) => {
    const messages = server.requests[requestIndex]!.body.messages as { role: string; content: unknown }[];
    return messages[messages.length - 1]!.content as { content: string; is_error?: boolean }[];
  };

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    tmp = tempDir('br-agent-');
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

  it('completes a small coding task from scripted tool calls, with heartbeats every turn', async () => {
    const sum = 'exports.sum = (a, b) => a + b;\n';
    const test =
      "const test = require('node:test');\nconst assert = require('node:assert');\nconst { sum } = require('./sum');\ntest('adds', () => assert.strictEqual(sum(2, 3), 5));\n";
    server.enqueue(
      toolUse(
        'list_files',
        {},
        { usage: { input_tokens: 2000, output_tokens: 100, cache_creation_input_tokens: 3000 } },
      ),
      toolCalls(
        [
          { name: 'write_file', input: { path: 'sum.js', content: sum } },
          {
            name: 'write_file',
            input: { path: 'test/sum.test.js', content: test.replace('./sum', '../sum') },
          },
        ],
        { usage: { input_tokens: 500, output_tokens: 300, cache_read_input_tokens: 3000 } },
      ),
      toolUse('edit_file', {
        path: 'README.md',
        old_string: 'Status: draft',
        new_string: 'Status: sum() added',
      }),
      toolUse('run_command', { command: 'node --test test/' }),
      toolUse('finish', { summary: 'Added sum() with a test.' }),
    );
    const env = new MockActivityEnvironment({ attempt: 1 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const result: RunAgentResult = await env.run(activities().runAgent, input());

    expect(result).toMatchObject({
      outcome: 'finished',
      summary: 'Added sum() with a test.',
      turns: 5,
      servedModel: 'claude-sonnet-5-5',
    });
    expect(result.usage).toEqual({
      inputTokens: 2800,
      outputTokens: 550,
      cacheWriteTokens: 3000,
      cacheReadTokens: 3000,
    });
    // sonnet: 2800 × 2 + 550 × 10 + 3000 × 2.50 + 3000 × 0.20 = 19200 micro-dollars
    expect(result.costUsd).toBe('0.0192');
    // One before the first answer, one per answer, one per tool called: the model, the turn of the
    // maximum and the last tool are what `br build watch` shows.
    const turns = beats as { turn: number; lastTool?: string }[];
    expect(turns[0]).toMatchObject({ turn: 0, model: 'claude-sonnet-5-5', attempt: 1, maxTurns: 40 });
    expect([...new Set(turns.map((b) => b.turn))]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(turns.map((b) => b.lastTool).filter((t, i, all) => t && t !== all[i - 1])).toEqual([
      'list_files',
      'write_file',
      'edit_file',
      'run_command',
    ]);
    expect(beats.at(-1)).toMatchObject({ turn: 5, costUsd: '0.0192' });
    expect(toolResults(1)[0]!.content).toContain('README.md');
    expect(toolResults(4)[0]).toMatchObject({ is_error: false });
    expect(toolResults(4)[0]!.content).toMatch(/exited with code 0[\s\S]*pass 1/);

    expect(readFileSync(path.join(repo, 'sum.js'), 'utf8')).toBe(sum);
    expect(readFileSync(path.join(repo, 'README.md'), 'utf8')).toContain('Status: sum() added');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'add sum');
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'README.md',
      'sum.js',
      'test/sum.test.js',
    ]);
    expect(execFileSync('node', ['--test', 'test/'], { cwd: repo, encoding: 'utf8' })).toMatch(/pass 1/);

    const rows = await db.prisma.costEntry.findMany({ where: { buildId: 'b-agent', taskKey: 'add-sum' } });
    expect(rows).toHaveLength(5);
    const first = server.requests[0]!.body;
    expect(first.system[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(first.tools.at(-1).cache_control).toEqual({ type: 'ephemeral' });
    expect(first.tools.map((t: { name: string }) => t.name)).toEqual([
      'list_files',
      'read_file',
      'write_file',
      'edit_file',
      'search_files',
      'run_command',
      'finish',
    ]);
  });

  it('resets the worktree to the base commit before a retried attempt', async () => {
    writeFileSync(path.join(repo, 'half-applied.js'), 'broken(');
    writeFileSync(path.join(repo, 'README.md'), 'clobbered');
    server.enqueue(toolUse('finish', { summary: 'nothing to do' }));
    await activities().runAgent(input({ attempt: 2 }));
    expect(existsSync(path.join(repo, 'half-applied.js'))).toBe(false);
    expect(existsSync(path.join(repo, 'sum.js'))).toBe(false);
    expect(readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('# Demo\n\nStatus: draft\n');
  });

  it('refuses ../, absolute paths, .git and a symlink to /etc, and changes nothing outside', async () => {
    symlinkSync('/etc', path.join(repo, 'etc-link'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(repo, 'leak.txt'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'links');
    const linkBase = git(repo, 'rev-parse', 'HEAD');
    server.enqueue(
      toolCalls([
        { name: 'write_file', input: { path: '../outside/secret.txt', content: 'pwned' } },
        { name: 'write_file', input: { path: path.join(outside, 'new.txt'), content: 'pwned' } },
        { name: 'read_file', input: { path: 'etc-link/hostname' } },
        { name: 'write_file', input: { path: 'etc-link/br-test-file', content: 'pwned' } },
        { name: 'write_file', input: { path: 'leak.txt', content: 'pwned' } },
        {
          name: 'edit_file',
          input: { path: 'sub/../../outside/secret.txt', old_string: 'outside', new_string: 'pwned' },
        },
        { name: 'write_file', input: { path: '.git/hooks/pre-commit', content: 'exit 0' } },
        { name: 'list_files', input: { path: '/etc' } },
        { name: 'search_files', input: { pattern: 'outside' } },
      ]),
      toolUse('finish', { summary: 'tried' }),
    );
    await activities().runAgent(input({ baseCommit: linkBase }));
    const results = toolResults(1);
    expect(results.slice(0, 8).map((r) => r.is_error)).toEqual(Array(8).fill(true));
    expect(
      results
        .slice(0, 8)
        .map((r) => r.content)
        .join('\n'),
    ).not.toMatch(/Wrote|Edited/);
    expect(results[0]!.content).toMatch(/outside the repository/);
    expect(results[1]!.content).toMatch(/absolute paths are not allowed/);
    expect(results[2]!.content).toMatch(/symbolic link/);
    expect(results[6]!.content).toMatch(/\.git folder is off limits/);
    expect(results[8]!.content).toBe('No matches.');
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('outside\n');
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    expect(existsSync('/etc/br-test-file')).toBe(false);
  });

  it('runs only allow-listed commands, without a shell and without secrets in the environment', async () => {
    server.enqueue(
      toolCalls([
        { name: 'run_command', input: { command: 'rm -rf .' } },
        { name: 'run_command', input: { command: 'node --testing' } },
        { name: 'run_command', input: { command: 'node check-env.js; touch pwned' } },
        { name: 'run_command', input: { command: 'node check-env.js' } },
      ]),
      toolUse('finish', { summary: 'checked' }),
    );
    await activities().runAgent(input());
    const results = toolResults(1);
    expect(results[0]!.content).toMatch(/Command not allowed: "rm -rf \."/);
    expect(results[1]!.content).toMatch(/Command not allowed/);
    expect(existsSync(path.join(repo, 'pwned'))).toBe(false);
    expect(results[3]!.content).toContain('ANTHROPIC_API_KEY=unset GITHUB_TOKEN=unset HARMLESS=visible');
  });

  it('stops at max turns with AGENT_INCOMPLETE and the cost spent in the details', async () => {
    server.enqueue(toolUse('list_files', {}), reply('thinking…'), toolUse('list_files', {}));
    const failure = await failureOf(activities({ maxTurns: 3 }).runAgent(input()));
    expect(failure.type).toBe(FailureClass.AGENT_INCOMPLETE);
    expect(failure.message).toMatch(/maximum of 3 turns/);
    // 3 × (100 × $2/M + 50 × $10/M)
    expect(failure.details[0].costUsd).toBe('0.0021');
    expect(server.requests[2]!.body.messages[4].content).toMatch(/Continue working with the tools/);
  });

  it('stops when its budget share is spent', async () => {
    server.enqueue(toolUse('list_files', {}, { usage: { input_tokens: 400_000, output_tokens: 10_000 } }));
    const failure = await failureOf(activities().runAgent(input({ budgetUsd: '0.50' })));
    expect(failure.type).toBe(FailureClass.AGENT_INCOMPLETE);
    expect(failure.message).toMatch(/budget share of \$0\.50 is spent \(\$0\.9\)/);
    expect(failure.details[0].costUsd).toBe('0.9');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at the token cap', async () => {
    server.enqueue(toolUse('list_files', {}, { usage: { input_tokens: 5000, output_tokens: 100 } }));
    const failure = await failureOf(activities().runAgent(input({ maxTokens: 4000 })));
    expect(failure.type).toBe(FailureClass.AGENT_INCOMPLETE);
    expect(failure.message).toMatch(/5100 tokens \(max 4000\)/);
  });

  it('reports a context error as CONTEXT_TOO_LONG with the cost so far', async () => {
    server.enqueue(toolUse('list_files', {}), {
      kind: 'error',
      status: 400,
      type: 'invalid_request_error',
      message: 'prompt is too long: 1000001 tokens > 1000000 maximum',
    });
    const failure = await failureOf(activities().runAgent(input()));
    expect(failure.type).toBe(FailureClass.CONTEXT_TOO_LONG);
    expect(failure.details[0].costUsd).toBe('0.0007');
  });

  it('trims old tool outputs so a long session stays within context', async () => {
    const big = 'x'.repeat(5000);
    server.enqueue(
      toolUse('write_file', { path: 'big.txt', content: big }),
      toolUse('read_file', { path: 'big.txt' }),
      ...Array.from({ length: 5 }, () => toolUse('list_files', {})),
      toolUse('finish', { summary: 'done' }),
    );
    await activities().runAgent(input());
    const readResult = (i: number) => {
      const messages = server.requests[i]!.body.messages as { content: { content?: string }[] }[];
      return messages[4]!.content[0]!.content!;
    };
    expect(readResult(2)).toBe(big);
    expect(readResult(7).length).toBeLessThan(500);
    expect(readResult(7)).toMatch(/older tool output trimmed/);
  });

  it('never leaks the key into requests, results, cost rows or failures', async () => {
    server.enqueue(
      toolUse('run_command', { command: 'node check-env.js' }),
      toolUse('finish', { summary: 'ok' }),
    );
    const result = await activities().runAgent(input());
    const rows = await db.prisma.costEntry.findMany();
    const seen = JSON.stringify({
      result,
      rows: rows.map((r) => ({ ...r, id: String(r.id), usd: r.usd.toString() })),
      bodies: server.requests.map((r) => r.rawBody),
    });
    expect(seen).not.toContain(key);
    expect(seen).not.toContain('ghp_secret_value');
  });
});
