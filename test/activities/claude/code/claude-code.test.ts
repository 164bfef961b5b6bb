import Decimal from 'decimal.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../../activities/claude';
import type { RunAgentInput } from '../../../../lib/contracts';
import { FailureClass } from '../../../../lib/failures';
import { DEFAULT_CATALOG } from '../../../../lib/models';
import {
  errors,
  reply,
  startFakeAnthropic,
  type FakeAnthropic,
  type Step,
} from '../../../fixtures/anthropic-server';
import { createTestDatabase, type TestDatabase } from '../../../helpers/db';
import { claudeCodeEnv } from '../../../../activities/claude/code/env';
import { PLACEHOLDER_KEY } from '../../../../activities/claude/code/proxy';
import { findClaudeAgentSdk } from '../../../../activities/claude/code/sdk';
import { mcpToolName } from '../../../../activities/claude/code/tools';
import { call, describeClaudeCode, finish, steps } from '../../../fixtures/engines';
import { failureOf, makeTestKey, tempDir, testConfig } from '../../../fixtures/claude';

/** What only the claude-code engine needs shown: its API errors, its retries, and its cost accounting. */

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

const hasStrace = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Claude Code's built-in list prices for these two models (USD per million tokens). */
const LIST_PRICED = {
  priceTableVersion: 'list-prices-test',
  models: [
    {
      id: 'claude-sonnet-4-5',
      tier: 'sonnet',
      contextWindow: 200_000,
      maxOutputTokens: 32_000,
      speed: 2,
      prices: { input: '3', output: '15', cacheWrite: '3.75', cacheRead: '0.30' },
    },
    {
      id: 'claude-haiku-4-5',
      tier: 'haiku',
      contextWindow: 200_000,
      maxOutputTokens: 32_000,
      speed: 3,
      prices: { input: '1', output: '5', cacheWrite: '1.25', cacheRead: '0.10' },
    },
    ...DEFAULT_CATALOG.models,
  ],
};

describeClaudeCode('the claude-code engine', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  let tmp: { dir: string; cleanup: () => void };
  let repo: string;
  let base: string;
  const captured: string[] = [];

  const activities = (url = server.url, timeoutMs = 20_000) =>
    createClaudeActivities({
      db,
      config: testConfig(url, {
        anthropic: { baseUrl: url, timeoutMs },
        models: LIST_PRICED,
        agent: { engine: 'claude-code', allowedCommands: ['node --test'] },
      }),
      apiKey: key,
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: key },
    });
  const input = (over: Partial<RunAgentInput> = {}): RunAgentInput => ({
    buildId: 'b-cc',
    taskId: 't1',
    attempt: 1,
    model: 'claude-sonnet-4-5',
    worktreePath: repo,
    baseCommit: base,
    task: {
      id: 't1',
      title: 'Note',
      description: 'Write notes.md.',
      acceptance: [],
      dependsOn: [],
      files: [],
    },
    budgetUsd: '5',
    ...over,
  });

  beforeAll(async () => {
    server = await startFakeAnthropic();
    db = await createTestDatabase('pglite');
    tmp = tempDir('br-cc-');
    repo = path.join(tmp.dir, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(repo, 'README.md'), '# Demo\n');
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
    ['529 overloaded', errors.overloaded(), FailureClass.OVERLOADED, false, undefined],
    [
      'an overloaded error inside a 200 stream',
      {
        ...reply('partial', { usage: { input_tokens: 1000 } }),
        streamError: { type: 'overloaded_error', message: 'Overloaded' },
      },
      FailureClass.OVERLOADED,
      false,
      undefined,
    ],
    ['500 server error', errors.serverError(), FailureClass.SERVER_ERROR, false, undefined],
    ['400 prompt is too long', errors.promptTooLong(), FailureClass.CONTEXT_TOO_LONG, false, undefined],
    ['400 invalid request', errors.invalidRequest(), FailureClass.INVALID_REQUEST, true, undefined],
    ['401 authentication', errors.unauthorized(), FailureClass.AUTH, true, undefined],
    ['403 permission', errors.forbidden(), FailureClass.AUTH, true, undefined],
    ['a response slower than the request timeout', errors.slow(4000), FailureClass.TIMEOUT, false, undefined],
  ];

  it.each(cases)(
    'maps %s to its failure class, with one request and no engine retry',
    async (name, step, type, nonRetryable, retryAfter) => {
      server.enqueue(...steps('claude-code', [call('list_files', {})]), step);
      const failure = await failureOf(
        activities(server.url, name.includes('slower') ? 2000 : 20_000).runAgent(input()),
      );
      captured.push(failure.message, JSON.stringify(failure.details));
      expect(failure.type).toBe(type);
      expect(failure.nonRetryable).toBe(nonRetryable);
      expect(failure.details[0].retryAfterSeconds).toBe(retryAfter);
      expect(failure.details[0].model).toBe('claude-sonnet-4-5');
      // The first call's cost (100 × $3 + 50 × $15 per million) stays on the failure; a broken-off stream's input is billed too.
      expect(failure.details[0].costUsd).toBe(name.includes('stream') ? '0.004065' : '0.00105');
      expect(server.requests).toHaveLength(2);
      expect(server.pending()).toBe(0);
    },
    30_000,
  );

  it('maps a refused connection to NETWORK', async () => {
    const closed = await startFakeAnthropic();
    const url = closed.url;
    await closed.close();
    const failure = await failureOf(activities(url).runAgent(input()));
    expect(failure.type).toBe(FailureClass.NETWORK);
    expect(failure.nonRetryable).toBe(false);
  });

  it('never shows the key in a failure', () => {
    expect(captured.length).toBeGreaterThan(cases.length);
    expect(captured.join('\n')).not.toContain(key);
    expect(captured.join('\n')).not.toContain(key.slice(10));
  });

  it.each(['claude-sonnet-4-5', 'claude-haiku-4-5'])(
    'records one cost row per Claude message whose sum equals the engine’s own total_cost_usd (%s)',
    async (model) => {
      server.enqueue(
        ...steps('claude-code', [
          call(
            'list_files',
            {},
            { usage: { input_tokens: 3000, output_tokens: 120, cache_creation_input_tokens: 4000 } },
          ),
          call(
            'write_file',
            { path: 'notes.md', content: '# Notes\n' },
            { usage: { input_tokens: 200, output_tokens: 80, cache_read_input_tokens: 4000 } },
          ),
          call(
            'read_file',
            { path: 'notes.md' },
            {
              usage: {
                input_tokens: 150,
                output_tokens: 40,
                cache_read_input_tokens: 4300,
                cache_creation_input_tokens: 300,
              },
            },
          ),
          finish('Wrote notes.md.', {
            usage: { input_tokens: 90, output_tokens: 25, cache_read_input_tokens: 4600 },
          }),
        ]),
      );
      const result = await activities().runAgent(input({ model, buildId: `b-parity-${model}` }));
      const rows = await db.prisma.costEntry.findMany({ where: { buildId: `b-parity-${model}` } });
      expect(rows).toHaveLength(4);
      expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(4);
      const sum = rows.reduce((s, r) => s.plus(r.usd.toString()), new Decimal(0));
      expect(sum.toFixed()).toBe(result.costUsd);
      // The engine adds floats (0.011430000000000001 for haiku here); to the 10 places a cost row keeps, they agree.
      expect(new Decimal(result.engineCostUsd!).toDecimalPlaces(10).toFixed()).toBe(result.costUsd);
      expect(result.usage).toEqual({
        inputTokens: 3440,
        outputTokens: 265,
        cacheWriteTokens: 4300,
        cacheReadTokens: 12900,
      });
      expect(rows.every((r) => r.model === model && r.requestedModel === model)).toBe(true);
    },
  );

  it('keeps our price table where Claude Code’s own differs (claude-sonnet-5-5 cache reads)', async () => {
    server.enqueue(
      ...steps('claude-code', [
        finish('ok', {
          usage: {
            input_tokens: 2100,
            output_tokens: 30,
            cache_creation_input_tokens: 500,
            cache_read_input_tokens: 2000,
          },
        }),
      ]),
    );
    const result = await activities().runAgent(
      input({ model: 'claude-sonnet-5-5', buildId: 'b-sonnet-5-5' }),
    );
    // Ours: 2100 × $2 + 30 × $10 + 500 × $2.50 + 2000 × $0.20 per million. Claude Code prices the
    // cache reads at $0.10: 0.00595. Budgets and reports use ours.
    expect(result.costUsd).toBe('0.00615');
    expect(new Decimal(result.engineCostUsd!).toDecimalPlaces(10).toFixed()).toBe('0.00595');
  });

  it('sends every request with the attempt’s model and never the key to Claude Code', async () => {
    server.enqueue(...steps('claude-code', [finish('ok')]));
    await activities().runAgent(input({ model: 'claude-haiku-4-5' }));
    expect(server.requests.map((r) => r.body.model as string)).toEqual(['claude-haiku-4-5']);
    expect(server.requests[0]!.headers['x-api-key']).toBe(key);
    expect(server.requests[0]!.body.stream).toBe(true);
    // agent.maxOutputTokensPerTurn (8192 by default), as the builtin loop sends it.
    expect(server.requests[0]!.body.max_tokens).toBe(8192);
    // Only BuildRunner's tools: no built-in Bash, Read, WebFetch… (Bash would run outside the sandbox).
    expect(server.requests[0]!.body.tools.map((t: { name: string }) => t.name).sort()).toEqual(
      ['edit_file', 'list_files', 'read_file', 'run_command', 'search_files', 'write_file'].map(mcpToolName),
    );
  });

  (hasStrace ? it : it.skip)(
    'opens no network connection of its own: only the proxy on loopback',
    async () => {
      const dir = tempDir('br-cc-trace-');
      try {
        const trace = path.join(dir.dir, 'trace');
        const wrapper = path.join(dir.dir, 'claude');
        // The SDK's per-platform package beside it (claude-agent-sdk-linux-x64, …-linux-arm64, …).
        const scope = path.join(path.dirname(findClaudeAgentSdk()!), '..');
        const platform = readdirSync(scope).find((d) => existsSync(path.join(scope, d, 'claude')))!;
        const binary = path.join(scope, platform, 'claude');
        writeFileSync(
          wrapper,
          `#!/bin/sh\nexec strace -f -qq -e trace=connect -o ${trace} ${binary} "$@"\n`,
          { mode: 0o755 },
        );
        server.enqueue(...steps('claude-code', [call('list_files', {}), finish('ok')]));
        const traced = createClaudeActivities({
          db,
          config: testConfig(server.url, {
            anthropic: { baseUrl: server.url, timeoutMs: 20_000 },
            models: LIST_PRICED,
            agent: { engine: 'claude-code' },
          }),
          apiKey: key,
          env: { PATH: process.env.PATH },
          claudeCodeExecutable: wrapper,
        });
        await traced.runAgent(input());
        const connects = readFileSync(trace, 'utf8')
          .split('\n')
          .filter((l) => /connect\(\d+, \{sa_family=AF_INET6?/.test(l));
        expect(connects.length).toBeGreaterThan(0);
        const fakePort = new URL(server.url).port;
        for (const c of connects) {
          expect(c).toContain('inet_addr("127.0.0.1")');
          // Through the proxy, never straight to the API (here the scripted server), never DNS.
          expect(c).not.toContain(`htons(${fakePort})`);
          expect(c).not.toContain('htons(53)');
        }
      } finally {
        dir.cleanup();
      }
    },
  );

  it('starts Claude Code with an allow-listed environment: no worker secret, no key, no user config', () => {
    const env = claudeCodeEnv({
      workerEnv: {
        ...process.env,
        ANTHROPIC_API_KEY: key,
        GITHUB_TOKEN: 'ghp_x',
        LANG: 'C.UTF-8',
        HOME: '/root',
      },
      home: '/tmp/attempt-home',
      proxyUrl: 'http://127.0.0.1:1',
      model: 'claude-sonnet-4-5',
      timeoutMs: 1000,
      maxOutputTokens: 8192,
    });
    expect(JSON.stringify(env)).not.toContain(key);
    expect(JSON.stringify(env)).not.toContain('ghp_x');
    expect(env).toMatchObject({
      LANG: 'C.UTF-8',
      HOME: '/tmp/attempt-home',
      CLAUDE_CONFIG_DIR: '/tmp/attempt-home/.claude',
      ANTHROPIC_API_KEY: PLACEHOLDER_KEY,
      CLAUDE_CODE_MAX_RETRIES: '0',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    const fromWorker = Object.keys(env).filter((k) => !/^(CLAUDE_|ANTHROPIC_|DISABLE_|API_)/.test(k));
    const allowed = ['HOME', 'PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TERM', 'TZ'];
    expect(fromWorker.filter((k) => !allowed.includes(k))).toEqual([]);
  });
});
