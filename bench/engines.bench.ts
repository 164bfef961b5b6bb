import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClaudeActivities } from '../activities/claude';
import { findClaudeAgentSdk } from '../activities/claude/code/sdk';
import { parseConfig } from '../lib/config';
import { createTestDatabase } from '../test/helpers/db';
import { startFakeAnthropic, type RecordedRequest, type Step } from '../test/fixtures/anthropic-server';
import { call, finish, steps, type Engine } from '../test/fixtures/engines';
import { type BenchResources, withResources } from './resources';
import type { BenchModule } from './types';

/**
 * The two coding-agent engines on the same scripted task (list, write two files, edit one, run the
 * tests, finish) against the scripted Anthropic server: wall time, time to the first API request
 * (start-up), requests, request size (what input tokens grow with), cost rows. The scripted server's
 * usage is the same for both by construction, so tokens and dollars differ only through what each
 * engine sends; answers are instant, so times are the engines' own overhead.
 */

const RUNS = 5;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

const TEST = `const test = require('node:test');
const assert = require('node:assert');
const { sum } = require('../sum');
test('adds', () => assert.strictEqual(sum(2, 3), 5));
`;

interface Sample {
  wallMs: number;
  firstRequestMs: number;
  requests: number;
  firstRequestBytes: number;
  totalRequestBytes: number;
  tools: number;
  costRows: number;
  toolNames: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(res: BenchResources, engine: Engine): Promise<Sample[]> {
  const dir = res.hold(
    mkdtempSync(path.join(tmpdir(), 'br-bench-engines-')),
    (d) => rmSync(d, { recursive: true, force: true }),
    'the temporary folder',
  );
  const repo = path.join(dir, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(repo, 'README.md'), '# Demo\n\nStatus: draft\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  const server = res.hold(await startFakeAnthropic(), (s) => s.close(), 'the scripted Anthropic server');
  const db = res.hold(await createTestDatabase('pglite'), (d) => d.close(), 'PGlite');
  const key = ['sk', 'ant', 'api03', 'bench'.repeat(8)].join('-');
  const activities = createClaudeActivities({
    db,
    config: parseConfig({
      anthropic: { baseUrl: server.url, timeoutMs: 60_000 },
      agent: { engine, allowedCommands: ['node --test'] },
    }),
    apiKey: key,
    env: { PATH: process.env.PATH },
  });
  const samples: Sample[] = [];
  for (let run = 0; run < RUNS; run++) {
    server.requests.length = 0;
    const arrivals: number[] = [];
    const stamped = (s: Step): Step => ({
      kind: 'dynamic',
      respond: () => {
        arrivals.push(Date.now());
        return s;
      },
    });
    server.enqueue(
      ...steps(engine, [
        call('list_files', {}),
        call('write_file', { path: 'sum.js', content: 'exports.sum = (a, b) => a + b;\n' }),
        call('write_file', { path: 'test/sum.test.js', content: TEST }),
        call('edit_file', { path: 'README.md', old_string: 'Status: draft', new_string: 'Status: done' }),
        call('run_command', { command: 'node --test test/' }),
        finish('Added sum() with a test.'),
      ]).map(stamped),
    );
    const started = Date.now();
    await activities.runAgent({
      buildId: `bench-${engine}`,
      taskId: `run-${run}`,
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
        files: ['sum.js', 'test/sum.test.js'],
      },
      budgetUsd: '5',
    });
    const bytes = (r: RecordedRequest) => Buffer.byteLength(r.rawBody);
    samples.push({
      wallMs: Date.now() - started,
      firstRequestMs: arrivals[0]! - started,
      requests: server.requests.length,
      firstRequestBytes: bytes(server.requests[0]!),
      totalRequestBytes: server.requests.reduce((s, r) => s + bytes(r), 0),
      tools: (server.requests[0]!.body.tools as unknown[]).length,
      toolNames: (server.requests[0]!.body.tools as { name: string }[]).map((t) => t.name).join(' '),
      costRows: await db.prisma.costEntry.count({
        where: { taskKey: `run-${run}`, buildId: `bench-${engine}` },
      }),
    });
  }
  return samples;
}

const bench: BenchModule = {
  name: 'engines',
  async run() {
    const engines: Engine[] = findClaudeAgentSdk() ? ['builtin', 'claude-code'] : ['builtin'];
    const rows: string[] = [];
    const results = new Map<Engine, Sample[]>();
    for (const engine of engines) results.set(engine, await withResources((res) => measure(res, engine)));
    for (const [engine, s] of results) {
      const m = (f: (x: Sample) => number) => median(s.map(f));
      rows.push(
        `| ${engine} | ${m((x) => x.wallMs)} | ${m((x) => x.firstRequestMs)} | ${m((x) => x.requests)} | ${m((x) => x.costRows)} | ${m((x) => x.tools)} | ${(m((x) => x.firstRequestBytes) / 1024).toFixed(1)} | ${(m((x) => x.totalRequestBytes) / 1024).toFixed(1)} |`,
      );
    }
    const [b, c] = [results.get('builtin')!, results.get('claude-code')];
    const ratio = c
      ? `Claude Code's first request is ${(median(c.map((x) => x.firstRequestBytes)) / median(b.map((x) => x.firstRequestBytes))).toFixed(1)}× the builtin loop's, and the whole conversation ${(median(c.map((x) => x.totalRequestBytes)) / median(b.map((x) => x.totalRequestBytes))).toFixed(1)}× (bytes sent, which input tokens grow with).`
      : 'The Claude Agent SDK is not installed here (bash scripts/install-claude-code.sh): only the builtin engine ran.';
    return {
      title: 'Coding-agent engines on the same scripted task',
      command: 'npm run bench -- engines',
      markdown: [
        `Median of ${RUNS} runs of one task (6 scripted turns: list, write ×2, edit, run \`node --test\` in the sandbox, finish) against the scripted Anthropic server; answers are instant.`,
        '',
        '| engine | wall ms | ms to first API request | requests | cost rows | tools offered | first request KiB | all requests KiB |',
        '|---|---|---|---|---|---|---|---|',
        ...rows,
        '',
        ratio,
        '',
        ...[...results].map(([engine, s]) => `Tools offered by ${engine}: ${s[0]!.toolNames}.`),
      ].join('\n'),
    };
  },
};

export default bench;
